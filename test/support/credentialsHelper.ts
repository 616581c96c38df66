import { ICredentialsHelper, type ICredentialDataDecryptedObject } from 'n8n-workflow';

import { StripeCustomerApi } from '../../credentials/StripeCustomerApi.credentials';

const credentialTypes = { stripeCustomerApi: new StripeCustomerApi() };

/**
 * What n8n-core asks of n8n's credentials store, for the tests: the decrypted credentials come from `credentialsOf`
 * (no database, no encryption), and requests are authenticated by the credential type's own `authenticate`, as n8n's
 * CredentialsHelper does.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		/** The credential of a type, and of the ID a node refers to it by. */
		private readonly credentialsOf: (
			type: string,
			id: string | null | undefined,
		) => ICredentialDataDecryptedObject | undefined,
	) {
		super();
	}
	getParentTypes() {
		return [];
	}
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		request: never,
	) {
		const type = credentialTypes[typeName as keyof typeof credentialTypes];
		return type ? await type.authenticate(credentials, request) : request;
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	getCredentialsProperties() {
		return [];
	}
	async getDecrypted(_data: unknown, details: { id?: string | null } | undefined, type: string) {
		const credentials = this.credentialsOf(type, details?.id);
		if (!credentials) throw new Error(`no test credentials of type ${type}`);
		return credentials;
	}
	async getCredentials(): Promise<never> {
		throw new Error('not used');
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	getOAuth2Options() {
		return undefined;
	}
	isCredentialUsableByNode() {
		return true;
	}
}
