import type Stripe from 'stripe';

import {
	PORTAL_LOCALE_NAMES,
	PORTAL_LOCALES,
	type PortalLocale,
} from '../../../nodes/StripeCustomer/actions/billingPortalSession/portalLocales';
import { PORTAL_LOCALES as DOUBLE_PORTAL_LOCALES } from '../../stripe-double/endpoints/billingPortal';

// The portal's languages: compile-time, both directions, against the SDK's list (a language Stripe's SDK knows but
// the table lacks, or one the SDK does not know, fails tsc naming it). The SDK's union also holds `string & {}`.
type LiteralsOf<T> = T extends string ? (string extends T ? never : T) : never;
type SdkLocale = LiteralsOf<Stripe.BillingPortal.SessionCreateParams.Locale>;
type MissingFromTable = Exclude<SdkLocale, PortalLocale>;
type UnknownToSdk = Exclude<PortalLocale, SdkLocale>;
const tableMatchesSdk: [MissingFromTable, UnknownToSdk] extends [never, never]
	? true
	: { missingFromTable: MissingFromTable; unknownToSdk: UnknownToSdk } = true;

test("the portal's 47 languages, each named, the same as the Stripe test double accepts", () => {
	expect(tableMatchesSdk).toBe(true);
	expect(PORTAL_LOCALES).toHaveLength(47);
	for (const code of PORTAL_LOCALES) expect(PORTAL_LOCALE_NAMES[code].trim()).not.toBe('');
	expect([...PORTAL_LOCALES].sort()).toEqual([...DOUBLE_PORTAL_LOCALES]);
});
