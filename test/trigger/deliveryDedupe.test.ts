import { DeliveryMemory } from '../../nodes/StripeCustomer/trigger/deliveryDedupe';

// The memory of delivered events: each event is new once per trigger and URL kind within the window, and the memory
// holds at most its ceiling.

describe('delivery memory', () => {
	test('an event is new once per scope within the window, and new again after it', () => {
		const memory = new DeliveryMemory(1000, 10);
		expect(memory.firstDelivery('wf1|node|trigger', 'evt_1', 0)).toBe(true);
		expect(memory.firstDelivery('wf1|node|trigger', 'evt_1', 999)).toBe(false);
		expect(memory.firstDelivery('wf1|node|manual', 'evt_1', 999)).toBe(true);
		expect(memory.firstDelivery('wf2|node|trigger', 'evt_1', 999)).toBe(true);
		expect(memory.firstDelivery('wf1|node|trigger', 'evt_1', 1000)).toBe(true);
	});

	test('it holds at most its ceiling of events, forgetting the oldest first', () => {
		const memory = new DeliveryMemory(60_000, 3);
		for (const id of ['evt_1', 'evt_2', 'evt_3', 'evt_4']) memory.firstDelivery('s', id, 0);
		expect(memory.size).toBe(3);
		expect(memory.firstDelivery('s', 'evt_4', 1)).toBe(false);
		expect(memory.firstDelivery('s', 'evt_1', 1)).toBe(true);
	});
});
