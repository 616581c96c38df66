// Stripe's request encoding (application/x-www-form-urlencoded with brackets), as the official client writes it:
// nested hashes as `shipping[address][line1]=…`, arrays as `preferred_locales[0]=…`, undefined members left out,
// null and '' sent as an empty value (which unsets a field on update), brackets left unescaped.

type FormValue =
	| string
	| number
	| boolean
	| null
	| undefined
	| Date
	| FormValue[]
	| { [key: string]: FormValue };

/** Percent-encodes like the `qs` package Stripe's client is compatible with (RFC 3986), keeping brackets readable. */
function encodeComponent(value: string): string {
	return encodeURIComponent(value)
		.replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
		.replace(/%5B/g, '[')
		.replace(/%5D/g, ']');
}

function scalarText(value: string | number | boolean | null | Date): string {
	if (value === null) return '';
	if (value instanceof Date) return String(Math.floor(value.getTime() / 1000));
	return String(value);
}

function appendPairs(pairs: string[], key: string, value: FormValue): void {
	if (value === undefined) return;
	if (value === null || typeof value !== 'object' || value instanceof Date) {
		pairs.push(`${encodeComponent(key)}=${encodeComponent(scalarText(value))}`);
		return;
	}
	if (Array.isArray(value)) {
		value.forEach((member, index) => appendPairs(pairs, `${key}[${index}]`, member));
		return;
	}
	for (const [member, memberValue] of Object.entries(value))
		appendPairs(pairs, `${key}[${member}]`, memberValue);
}

/** Encodes request parameters as Stripe expects them in a form body or a query string. */
export function encodeStripeForm(params: object): string {
	const pairs: string[] = [];
	for (const [key, value] of Object.entries(params)) appendPairs(pairs, key, value as FormValue);
	return pairs.join('&');
}
