export type IfEmailExists = 'create' | 'useExisting' | 'update' | 'fail';

export function normalizeEmail(email: string): string {
	return email.trim().toLowerCase();
}

/**
 * Splits items into groups that may run in parallel. With an email rule, items sharing an email
 * (trimmed, case-insensitive) form one group, kept in input order, so one run never creates two customers for one email.
 */
export function groupByEmail<T extends { email?: string }>(items: T[], ifEmailExists: IfEmailExists): T[][] {
	if (ifEmailExists === 'create') return items.map((item) => [item]);
	const groups: T[][] = [];
	const groupOfEmail = new Map<string, T[]>();
	for (const item of items) {
		if (item.email === undefined) {
			groups.push([item]);
			continue;
		}
		const key = normalizeEmail(item.email);
		let group = groupOfEmail.get(key);
		if (!group) {
			group = [];
			groupOfEmail.set(key, group);
			groups.push(group);
		}
		group.push(item);
	}
	return groups;
}
