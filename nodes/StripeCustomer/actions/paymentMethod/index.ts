import type { Resource } from '../../helpers/operation';
import { attach } from './attach.operation';
import { detach } from './detach.operation';
import { getMany } from './getMany.operation';
import { searchPaymentMethods } from './paymentMethodPicker';
import { setDefault } from './setDefault.operation';

/** A customer's payment methods (the PaymentMethods API): one file per operation; adding one is a file and a line here. */
export const paymentMethod: Resource = {
	value: 'paymentMethod',
	name: 'Payment Method',
	defaultOperation: attach.value,
	operations: [attach, getMany, detach, setDefault],
	listSearch: { searchPaymentMethods },
};
