import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { combineChecks } from '../../helpers/checks';
import type { Operation, OperationRun } from '../../helpers/operation';
import { optionCollections } from '../../helpers/options';
import { isNoSuchObject, refusal, settled } from '../../helpers/stripeAnswers';
import { StripeRequestError } from '../../transport/stripeError';
import { customerLocator, readCustomerId } from '../customer/customerLocator';
import { deleteTaxId, taxIdDeletedAt } from './taxIdApi';
import { readTaxIdId, taxIdLocator } from './taxIdFields';

export const remove: Operation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a tax ID of a customer',
	description: 'Remove a tax ID from a customer',
	toolDescription:
		'Deletes one tax ID (its ID, txi_…, as List gives it) of the Stripe customer with this ID (cus_…). One deleted before is reported as alreadyDeleted: true.',
	permission: 'Tax IDs: Write',
	properties: [customerLocator, taxIdLocator, ...optionCollections([])],
	execute,
};

/** Stripe's "No such tax_id", with what the node found out about it. */
function noSuchTaxId(node: INode, error: unknown, finding: string): unknown {
	const failure = refusal(error);
	return failure
		? new StripeRequestError(node, { ...failure, message: `${failure.message} (${finding})` })
		: error;
}

async function execute(
	this: IExecuteFunctions,
	{ stripe, settings }: OperationRun,
): Promise<INodeExecutionData[]> {
	return await runBatch(this, {
		concurrency: settings.concurrency,
		rerunNote: 'Running the node again reports them as already deleted.',
		prepare: (itemIndex) =>
			combineChecks({
				customerId: readCustomerId(this, itemIndex),
				taxIdId: readTaxIdId(this, itemIndex),
			}),
		// One tax ID given twice is deleted once; the second item finds it deleted.
		groupOf: ({ customerId, taxIdId }) => `${customerId} ${taxIdId}`,
		run: async ({ customerId, taxIdId }) => {
			const deleted = await settled(deleteTaxId(stripe, customerId, taxIdId));
			if (deleted.ok)
				return {
					json: [{ customerId, taxIdId, deleted: true }],
					change: `${customerId}: tax ID ${taxIdId} deleted`,
				};
			if (!isNoSuchObject(deleted.error)) throw deleted.error;
			// Stripe answers a tax ID deleted before (a retry whose first try was done, a re-run) as one that never
			// existed; only its events tell them apart.
			const deletedAt = await settled(taxIdDeletedAt(stripe, customerId, taxIdId));
			if (deletedAt.ok && deletedAt.value !== undefined)
				return {
					json: [{ customerId, taxIdId, deleted: true, alreadyDeleted: true }],
					change: `${customerId}: tax ID ${taxIdId} (already deleted)`,
				};
			throw noSuchTaxId(
				this.getNode(),
				deleted.error,
				deletedAt.ok
					? `no deletion of tax ID ${taxIdId} from ${customerId} in Stripe's events of the last 30 days: check both IDs (one deleted longer ago looks the same)`
					: `whether tax ID ${taxIdId} was deleted before could not be checked: reading Stripe's events failed (${(deletedAt.error as Error).message}); a restricted key needs Events: Read for that`,
			);
		},
	});
}
