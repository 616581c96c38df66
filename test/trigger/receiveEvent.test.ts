import { sleep } from 'n8n-workflow';

import { useTriggerHarness } from '../support/testSetup';

// What reaches the workflow when Stripe delivers to the trigger's URL, in n8n's engine (n8n-core's webhook context and
// WorkflowExecute) with the trigger's endpoint at the Stripe double: signed events start one execution each; forged,
// repeated and unwanted ones start none.

const { double, stripe, customerEvent, deliver, activeWorkflow, deliveriesDone, answers } =
	useTriggerHarness();

const ada = { id: 'cus_ada', object: 'customer', name: 'Ada Lovelace', email: 'ada@example.com' };

describe('deliveries', () => {
	test('a customer created, updated and deleted at Stripe starts one execution each; its item is that event', async () => {
		const { workflow } = await activeWorkflow({
			events: ['customer.created', 'customer.updated', 'customer.deleted'],
		});
		const customer = await stripe.customers.create({
			name: 'Ada Lovelace',
			email: 'ada@example.com',
		});
		await stripe.customers.update(customer.id, { email: 'ada@new.example.com' });
		await stripe.customers.del(customer.id);
		await deliveriesDone();
		expect(answers()).toEqual([
			['customer.created', 200],
			['customer.updated', 200],
			['customer.deleted', 200],
		]);
		const executions = await workflow.waitForExecutions(3);
		const events = double.events.map((stored) => stored.event);
		expect(executions.map((execution) => [execution.mode, execution.items])).toEqual([
			[
				'trigger',
				[
					{
						customerId: customer.id,
						event: 'customer.created',
						id: events[0].id,
						created: events[0].created,
						livemode: false,
						customer: events[0].data.object,
					},
				],
			],
			[
				'trigger',
				[
					{
						customerId: customer.id,
						event: 'customer.updated',
						id: events[1].id,
						created: events[1].created,
						livemode: false,
						customer: events[1].data.object,
						previousAttributes: { email: 'ada@example.com' },
					},
				],
			],
			[
				'trigger',
				[
					{
						customerId: customer.id,
						event: 'customer.deleted',
						id: events[2].id,
						created: events[2].created,
						livemode: false,
						customer: events[2].data.object,
					},
				],
			],
		]);
	});

	test(`a delivery signed by Stripe's own library with the endpoint's secret starts the workflow and is answered {"received": true}, as JSON Stripe shows in its Dashboard`, async () => {
		const { workflow, secret } = await activeWorkflow();
		const event = customerEvent('customer.created', ada);
		expect(await deliver(workflow.productionUrl, event, secret)).toEqual({
			status: 200,
			body: { received: true },
		});
		expect((await workflow.waitForExecutions(1))[0].items[0]).toMatchObject({
			customerId: 'cus_ada',
			id: event.id,
		});
	});

	test.each([
		[
			'signed with another secret',
			'wrong-secret',
			"no v1 signature matches the body and this endpoint's signing secret",
		],
		[
			'signed 10 minutes ago (a replay)',
			'old-timestamp',
			"the signature's timestamp is 600 s old (at most 300 s allowed)",
		],
		['without a Stripe-Signature header', 'missing', 'no Stripe-Signature header'],
		[
			'with its body changed after signing',
			'tampered-body',
			"no v1 signature matches the body and this endpoint's signing secret",
		],
	] as const)('a delivery %s gets a 400 and starts nothing', async (_title, signing, reason) => {
		const { workflow, endpoint } = await activeWorkflow();
		double.webhooks.pause(); // the event is stored, its regular delivery held back
		const customer = await stripe.customers.create({ name: 'Ada Lovelace' });
		const [{ id: eventId }] = double.events.map((stored) => stored.event);
		const forged = await double.webhooks.send(endpoint.id, { event: eventId, signing });
		expect([forged.status, JSON.parse(forged.response)]).toEqual([
			400,
			{ error: `Stripe signature check failed: ${reason}` },
		]);
		await sleep(100);
		expect(workflow.executions).toHaveLength(0);
		// The genuine delivery of the same event still runs: a refused forgery does not mark its ID as delivered.
		double.webhooks.resume();
		await deliveriesDone();
		expect(
			(await workflow.waitForExecutions(1)).map((execution) => execution.items[0].customerId),
		).toEqual([customer.id]);
	});

	test('an event Stripe delivers twice, or retries after a refused attempt, runs once', async () => {
		const { workflow } = await activeWorkflow();
		double.webhooks.failNext(1, 'duplicate');
		const first = await stripe.customers.create({ name: 'Twice Delivered' });
		await deliveriesDone();
		double.webhooks.failNext(1, 'wrong-signature');
		const second = await stripe.customers.create({ name: 'Retried' });
		await deliveriesDone();
		expect(
			double.deliveries.map((attempt) => [
				attempt.attempt,
				attempt.duplicate,
				attempt.signing,
				attempt.status,
			]),
		).toEqual([
			[1, false, 'valid', 200],
			[1, true, 'valid', 200],
			[1, false, 'wrong-secret', 400],
			[2, false, 'valid', 200],
		]);
		await workflow.waitForExecutions(2);
		await sleep(200);
		expect(workflow.executions.map((execution) => execution.items[0].customerId)).toEqual([
			first.id,
			second.id,
		]);
		const duplicate = double.deliveries[1];
		expect(JSON.parse(duplicate.response)).toEqual({
			received: true,
			duplicate: `${duplicate.eventId} was already delivered`,
		});
	});

	test('an event type the trigger was not set to is acknowledged and starts nothing; "Any Customer Event" takes tax IDs, not subscriptions', async () => {
		const { workflow, endpoint } = await activeWorkflow({ events: ['anyCustomerEvent'] });
		expect(endpoint.enabled_events).not.toContain('customer.subscription.created');
		// Stripe would not send it to this endpoint; a signed one arrives anyway (an endpoint edited in the Dashboard).
		const subscription = customerEvent('customer.subscription.created', {
			id: 'sub_1',
			object: 'subscription',
			customer: 'cus_ada',
			status: 'active',
		});
		const ignored = await double.webhooks.send(endpoint.id, { payload: subscription });
		expect([ignored.status, JSON.parse(ignored.response)]).toEqual([
			200,
			{
				received: true,
				ignored: "customer.subscription.created is not one of this trigger's events",
			},
		]);
		const customer = await stripe.customers.create({
			name: 'Ada',
			tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }],
		});
		await deliveriesDone();
		const executions = await workflow.waitForExecutions(2);
		await sleep(100);
		expect(
			executions.map((execution) => [execution.items[0].event, execution.items[0].customerId]),
		).toEqual([
			['customer.created', customer.id],
			['customer.tax_id.created', customer.id],
		]);
		expect(executions[1].items[0].object).toMatchObject({
			object: 'tax_id',
			type: 'eu_vat',
			value: 'DE123456789',
			customer: customer.id,
		});
	});

	test('Include Raw Event adds the event exactly as Stripe sent it', async () => {
		const { workflow } = await activeWorkflow({
			events: ['customer.created'],
			options: { includeRawEvent: true },
		});
		await stripe.customers.create({ name: 'Raw' });
		await deliveriesDone();
		const [execution] = await workflow.waitForExecutions(1);
		expect(execution.items[0].rawEvent).toEqual(JSON.parse(double.deliveries[0].body));
	});
});
