// Whether Stripe will send events to n8n's webhook URL. Stripe delivers only to URLs it can reach from the internet
// (its API refuses "Invalid URL: URL must be publicly accessible" for the rest) and, in live mode, only over HTTPS.

/** What a user does when Stripe cannot reach n8n: said once, for the node's own check and for Stripe's refusal. */
export const PUBLIC_URL_ADVICE =
	'Give n8n an address Stripe can reach: set WEBHOOK_URL (n8n 2.x also reads N8N_WEBHOOK_URL) to an https URL that reaches this n8n from the internet, through a reverse proxy or a tunnel (ngrok, Cloudflare Tunnel…), restart n8n, then try again.';

/** Host names that only this machine or its own network resolves. */
const LOCAL_NAME_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa', '.lan'];

function ipv4Parts(host: string): number[] | undefined {
	const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
	if (!match) return undefined;
	const parts = match.slice(1).map(Number);
	return parts.every((part) => part <= 255) ? parts : undefined;
}

/** Why an IPv4 address is not one Stripe can reach, if it is not. */
function privateIpv4(parts: number[]): string | undefined {
	const [a, b] = parts;
	if (a === 127) return 'a loopback address (this machine only)';
	if (a === 0) return 'not an address anyone can reach';
	if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168))
		return 'a private network address';
	if (a === 100 && b >= 64 && b <= 127)
		return "a carrier-grade NAT address (your provider's network)";
	if (a === 169 && b === 254) return 'a link-local address';
	return undefined;
}

/** Why an IPv6 address (as URL keeps it, lower case without brackets) is not one Stripe can reach, if it is not. */
function privateIpv6(host: string): string | undefined {
	if (host === '::1') return 'a loopback address (this machine only)';
	if (host === '::') return 'not an address anyone can reach';
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
	if (mapped) return privateIpv4(ipv4Parts(mapped[1]) ?? []);
	if (/^f[cd][0-9a-f]{2}:/.test(host)) return 'a private network address';
	if (/^fe[89ab][0-9a-f]:/.test(host)) return 'a link-local address';
	return undefined;
}

/**
 * Why Stripe will not deliver to `url`, or undefined when it will: a host only this machine or network knows, or plain
 * HTTP for a live-mode key. Checked before any request, for the credential of Stripe's own API.
 */
export function webhookUrlProblem(url: string, liveMode: boolean): string | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return 'it is not a URL';
	}
	const host = parsed.hostname
		.toLowerCase()
		.replace(/^\[|\]$/g, '')
		.replace(/\.$/, '');
	let why: string | undefined;
	if (host === 'localhost' || LOCAL_NAME_SUFFIXES.some((suffix) => host.endsWith(suffix)))
		why = 'a name only this machine or its network knows';
	else if (host.includes(':')) why = privateIpv6(host);
	else if (ipv4Parts(host)) why = privateIpv4(ipv4Parts(host)!);
	else if (!host.includes('.'))
		why = 'a name without a domain, which only its own network resolves';
	if (why) return `its host ${host} is ${why}, which Stripe cannot reach from the internet`;
	if (liveMode && parsed.protocol !== 'https:')
		return 'it is plain HTTP, and Stripe sends live-mode events only to https URLs';
	return undefined;
}
