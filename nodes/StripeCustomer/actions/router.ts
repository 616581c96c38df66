import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { keyAfterStoredError } from '../helpers/idempotency';
import { findOperation, type Resource } from '../helpers/operation';
import { readOptionValues, unknownSavedChoice } from '../helpers/options';
import { readRequestSettings } from '../helpers/requestSettings';
import { StripeClient } from '../transport/stripeRequest';
import { balanceTransaction } from './balanceTransaction';
import { billingPortalSession } from './billingPortalSession';
import { customer } from './customer';
import { paymentMethod } from './paymentMethod';
import { taxId } from './taxId';

/** The node's resources: a new one is a folder beside customer/ and one line here. */
export const RESOURCES: Resource[] = [
	customer,
	paymentMethod,
	balanceTransaction,
	taxId,
	billingPortalSession,
];

/** The value n8n's editor gives the "Custom API Call" entry it adds to the Operation list by itself. */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

/** Runs the operation the node's parameters name, with a Stripe client that speaks for it. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0, RESOURCES[0].value) as string;
	const operationValue = this.getNodeParameter('operation', 0, '') as string;
	const operation = findOperation(RESOURCES, resource, operationValue);
	if (!operation) {
		const what =
			operationValue === CUSTOM_API_CALL
				? '"Custom API Call"'
				: `"${resource} → ${operationValue}"`;
		throw new NodeOperationError(
			this.getNode(),
			`The operation ${what} is not available in this node; nothing was sent to Stripe`,
			{
				description:
					"Choose one of the node's operations. For any other Stripe endpoint, use n8n's HTTP Request node with this credential (Authentication: Predefined Credential Type → Stripe Customer API).",
			},
		);
	}
	const savedChoice = unknownSavedChoice(operation.properties, this.getNode().parameters);
	if (savedChoice) throw new NodeOperationError(this.getNode(), savedChoice);
	const settings = readRequestSettings(
		readOptionValues((name) => this.getNodeParameter(name, 0, {})),
	);
	const stripe = await StripeClient.connect(this, settings, {
		renewKeyAfterStoredError: keyAfterStoredError,
		permissionNeeded: operation.permission,
	});
	return [await operation.execute.call(this, { stripe, settings })];
}
