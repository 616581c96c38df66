import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { combineChecks, valid } from '../../helpers/checks';
import { updateKeyFor } from '../../helpers/idempotency';
import type { Operation, OperationRun } from '../../helpers/operation';
import { optionCollections } from '../../helpers/options';
import type { StripeClient } from '../../transport/stripeRequest';
import { customerLocator, readCustomerId } from '../customer/customerLocator';
import { addTaxId, listTaxIds, sameTaxId, type TaxId } from './taxIdApi';
import { readTaxIdData, taxIdFields, type TaxIdData } from './taxIdFields';

export const add: Operation = {
	value: 'add',
	name: 'Add',
	action: 'Add a tax ID to a customer',
	description:
		'Add a tax ID (VAT number, EIN…) to a customer; one it has already is not added again',
	toolDescription:
		"Adds a tax ID to the Stripe customer with this ID (cus_…): its type (Stripe's code, e.g. eu_vat for an EU VAT number, gb_vat, us_ein) and its value as written (e.g. DE123456789). A tax ID the customer has already is not added again: the answer says alreadyAdded: true. Returns customerId and taxIdId.",
	permission: 'Tax IDs: Write',
	properties: [
		customerLocator,
		...taxIdFields({
			required: true,
			description: 'The tax ID as written, e.g. DE123456789 for a German VAT number',
		}),
		...optionCollections([]),
	],
	execute,
};

/** The output of a tax ID the customer has. */
function taxIdOutput(customerId: string, taxId: TaxId, extra: IDataObject = {}): IDataObject {
	return { customerId, taxIdId: taxId.id, ...extra, taxId: taxId as unknown as IDataObject };
}

async function execute(
	this: IExecuteFunctions,
	{ stripe, settings }: OperationRun,
): Promise<INodeExecutionData[]> {
	return await runBatch(this, {
		concurrency: settings.concurrency,
		rerunNote:
			'Running the node again adds nothing more: a tax ID the customer has is reported as alreadyAdded.',
		prepare: (itemIndex) => {
			const checked = combineChecks({
				customerId: readCustomerId(this, itemIndex),
				taxId: readTaxIdData(this, itemIndex),
			});
			if (!checked.ok) return checked;
			// Per execution: Retry On Fail gets the tax ID this execution added; a re-run finds it in the list.
			return valid({ ...checked.value, key: updateKeyFor(this, itemIndex) });
		},
		// One customer's tax IDs one after another, so that the second of two equal ones finds the first.
		groupOf: (item) => item.customerId,
		run: async ({ customerId, taxId, key }, itemIndex) => {
			const held = await heldTaxId(stripe, customerId, taxId);
			if (held) return { json: [taxIdOutput(customerId, held, { alreadyAdded: true })] };
			const added = await addTaxId(stripe, customerId, taxId, key);
			const change = `${customerId}: tax ID ${taxId.type} ${taxId.value} added`;
			if (added)
				return {
					json: [taxIdOutput(customerId, added.taxId, added.replayed ? { replayed: true } : {})],
					change,
				};
			// Stripe says the customer has it: added meanwhile by another run.
			const addedMeanwhile = await heldTaxId(stripe, customerId, taxId);
			if (addedMeanwhile)
				return { json: [taxIdOutput(customerId, addedMeanwhile, { alreadyAdded: true })] };
			throw new NodeOperationError(
				this.getNode(),
				`[item ${itemIndex}] Value: Stripe says ${customerId} has a ${taxId.type} tax ID "${taxId.value}" already, but none of its tax IDs reads so (Stripe compares values its own way); nothing was added`,
				{ itemIndex, description: 'Tax ID → List shows the tax IDs the customer has.' },
			);
		},
	});
}

async function heldTaxId(
	stripe: StripeClient,
	customerId: string,
	taxId: TaxIdData,
): Promise<TaxId | undefined> {
	return (await listTaxIds(stripe, customerId)).find((held) => sameTaxId(held, taxId));
}
