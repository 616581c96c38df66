// Every tax ID type Stripe accepts in a customer's tax_id_data (the 135 of stripe@23.1.0), with the country, name
// and example value Stripe's reference gives ("Customer tax IDs", Supported tax ID types). The 19 types missing from
// the version of that table used here (added in Stripe's 2026 changelogs) carry the changelog's name and no example,
// except ic_nif, whose changelog says it has es_cif's format.
// test/data/taxIdTypes.test.ts checks the list against the SDK's TaxIdDatum.Type in both directions. The node uses the
// `stripe` package for types only (`import type`, erased at build): a value import would make it a runtime dependency,
// which n8n's community-package scanner refuses.

export interface TaxIdTypeInfo {
	/** The country or region, as a user would type it. */
	readonly country: string;
	/** The tax ID's own short name, shown after the country in the editor. */
	readonly label: string;
	/** Stripe's description of the type. */
	readonly description: string;
	/** Stripe's example value, where its reference gives one. */
	readonly example?: string;
}

export const TAX_ID_TYPE_INFO = {
	ad_nrt: {
		country: 'Andorra',
		label: 'NRT Number',
		description: 'Andorran NRT number',
		example: 'A-123456-Z',
	},
	ae_trn: {
		country: 'United Arab Emirates',
		label: 'TRN (Tax Registration Number)',
		description: 'United Arab Emirates TRN',
		example: '123456789012345',
	},
	al_tin: {
		country: 'Albania',
		label: 'Tax Identification Number',
		description: 'Albania Tax Identification Number',
		example: 'J12345678N',
	},
	am_tin: {
		country: 'Armenia',
		label: 'Tax Identification Number',
		description: 'Armenia Tax Identification Number',
		example: '02538904',
	},
	ao_tin: {
		country: 'Angola',
		label: 'Tax Identification Number',
		description: 'Angola Tax Identification Number',
		example: '5123456789',
	},
	ar_cuit: {
		country: 'Argentina',
		label: 'CUIT',
		description: 'Argentinian tax ID number',
		example: '12-3456789-01',
	},
	au_abn: {
		country: 'Australia',
		label: 'ABN (Australian Business Number)',
		description: 'Australian Business Number (AU ABN)',
		example: '12345678912',
	},
	au_acn: {
		country: 'Australia',
		label: 'ACN (Australian Company Number)',
		description: 'Australian Company Number',
	},
	au_arn: {
		country: 'Australia',
		label: 'ARN (ATO Reference Number)',
		description: 'Australian Taxation Office Reference Number',
		example: '123456789123',
	},
	au_wpn: {
		country: 'Australia',
		label: 'WPN (Withholding Payer Number)',
		description: 'Australia Withholding Payer Number',
	},
	aw_tin: {
		country: 'Aruba',
		label: 'Tax Identification Number',
		description: 'Aruba Tax Identification Number',
		example: '12345678',
	},
	az_tin: {
		country: 'Azerbaijan',
		label: 'Tax Identification Number',
		description: 'Azerbaijan Tax Identification Number',
		example: '0123456789',
	},
	ba_tin: {
		country: 'Bosnia and Herzegovina',
		label: 'Tax Identification Number',
		description: 'Bosnia and Herzegovina Tax Identification Number',
		example: '123456789012',
	},
	bb_tin: {
		country: 'Barbados',
		label: 'Tax Identification Number',
		description: 'Barbados Tax Identification Number',
		example: '1123456789012',
	},
	bd_bin: {
		country: 'Bangladesh',
		label: 'BIN (Business Identification Number)',
		description: 'Bangladesh Business Identification Number',
		example: '123456789-0123',
	},
	bf_ifu: {
		country: 'Burkina Faso',
		label: "IFU (Numéro d'Identifiant Fiscal Unique)",
		description: "Burkina Faso Tax Identification Number (Numéro d'Identifiant Fiscal Unique)",
		example: '12345678A',
	},
	bg_uic: {
		country: 'Bulgaria',
		label: 'UIC (Unified Identification Code)',
		description: 'Bulgaria Unified Identification Code',
		example: '123456789',
	},
	bh_vat: {
		country: 'Bahrain',
		label: 'VAT Number',
		description: 'Bahraini VAT Number',
		example: '123456789012345',
	},
	bj_ifu: {
		country: 'Benin',
		label: 'IFU (Identifiant Fiscal Unique)',
		description: 'Benin Tax Identification Number (Identifiant Fiscal Unique)',
		example: '1234567890123',
	},
	bo_tin: {
		country: 'Bolivia',
		label: 'Tax ID',
		description: 'Bolivian tax ID',
		example: '123456789',
	},
	br_cnpj: {
		country: 'Brazil',
		label: 'CNPJ',
		description: 'Brazilian CNPJ number',
		example: '01.234.456/5432-10',
	},
	br_cpf: {
		country: 'Brazil',
		label: 'CPF',
		description: 'Brazilian CPF number',
		example: '123.456.789-87',
	},
	bs_tin: {
		country: 'Bahamas',
		label: 'Tax Identification Number',
		description: 'Bahamas Tax Identification Number',
		example: '123.456.789',
	},
	bw_vat: {
		country: 'Botswana',
		label: 'VAT Number',
		description: 'Botswana Value Added Tax number',
	},
	by_tin: {
		country: 'Belarus',
		label: 'Tax Identification Number',
		description: 'Belarus TIN Number',
		example: '123456789',
	},
	ca_bn: {
		country: 'Canada',
		label: 'BN (Business Number)',
		description: 'Canadian BN',
		example: '123456789',
	},
	ca_gst_hst: {
		country: 'Canada',
		label: 'GST/HST Number',
		description: 'Canadian GST/HST number',
		example: '123456789RT0002',
	},
	ca_pst_bc: {
		country: 'Canada',
		label: 'British Columbia PST Number',
		description: 'Canadian PST number (British Columbia)',
		example: 'PST-1234-5678',
	},
	ca_pst_mb: {
		country: 'Canada',
		label: 'Manitoba PST Number',
		description: 'Canadian PST number (Manitoba)',
		example: '123456-7',
	},
	ca_pst_sk: {
		country: 'Canada',
		label: 'Saskatchewan PST Number',
		description: 'Canadian PST number (Saskatchewan)',
		example: '1234567',
	},
	ca_qst: {
		country: 'Canada',
		label: 'Québec QST Number',
		description: 'Canadian QST number (Québec)',
		example: '1234567890TQ1234',
	},
	cd_nif: {
		country: 'Congo (DR)',
		label: 'NIF (Número de Identificação Fiscal)',
		description: 'Congo (DR) Tax Identification Number (Número de Identificação Fiscal)',
		example: 'A0123456M',
	},
	ch_uid: {
		country: 'Switzerland',
		label: 'UID Number',
		description: 'Switzerland UID number',
		example: 'CHE-123.456.789 HR',
	},
	ch_vat: {
		country: 'Switzerland',
		label: 'VAT Number',
		description: 'Switzerland VAT number',
		example: 'CHE-123.456.789 MWST',
	},
	ci_vat: {
		country: "Côte d'Ivoire (Ivory Coast)",
		label: 'VAT Number',
		description: 'Ivory Coast Value Added Tax number',
	},
	cl_tin: {
		country: 'Chile',
		label: 'Tax Identification Number',
		description: 'Chilean TIN',
		example: '12.345.678-K',
	},
	cm_niu: {
		country: 'Cameroon',
		label: "NIU (Numéro d'Identifiant fiscal Unique)",
		description: "Cameroon Tax Identification Number (Numéro d'Identifiant fiscal Unique)",
		example: 'M123456789000L',
	},
	cn_tin: {
		country: 'China',
		label: 'Tax ID',
		description: 'Chinese tax ID',
		example: '123456789012345678',
	},
	co_nit: {
		country: 'Colombia',
		label: 'NIT',
		description: 'Colombian NIT number',
		example: '123.456.789-0',
	},
	cr_tin: {
		country: 'Costa Rica',
		label: 'Tax ID',
		description: 'Costa Rican tax ID',
		example: '1-234-567890',
	},
	cv_nif: {
		country: 'Cape Verde',
		label: 'NIF (Número de Identificação Fiscal)',
		description: 'Cape Verde Tax Identification Number (Número de Identificação Fiscal)',
		example: '213456789',
	},
	cz_dic: {
		country: 'Czechia',
		label: 'DIČ (Daňové identifikační číslo)',
		description: 'Czechia Daňové identifikační číslo',
	},
	de_stn: {
		country: 'Germany',
		label: 'Steuernummer',
		description: 'German Tax Number (Steuernummer)',
		example: '1234567890',
	},
	do_rcn: {
		country: 'Dominican Republic',
		label: 'RCN',
		description: 'Dominican RCN number',
		example: '123-4567890-1',
	},
	ec_ruc: {
		country: 'Ecuador',
		label: 'RUC',
		description: 'Ecuadorian RUC number',
		example: '1234567890001',
	},
	eg_tin: {
		country: 'Egypt',
		label: 'Tax Identification Number',
		description: 'Egyptian Tax Identification Number',
		example: '123456789',
	},
	es_cif: {
		country: 'Spain',
		label: 'NIF (formerly CIF)',
		description: 'Spanish NIF number (previously Spanish CIF number)',
		example: 'A12345678',
	},
	et_tin: {
		country: 'Ethiopia',
		label: 'Tax Identification Number',
		description: 'Ethiopia Tax Identification Number',
		example: '1234567890',
	},
	eu_oss_vat: {
		country: 'EU',
		label: 'One Stop Shop VAT Number (non-Union scheme)',
		description: 'European One Stop Shop VAT number for non-Union scheme',
		example: 'EU123456789',
	},
	eu_vat: {
		country: 'EU',
		label: 'VAT Number',
		description: 'European VAT number',
		example: 'DE123456789',
	},
	fo_vat: {
		country: 'Faroe Islands',
		label: 'VAT Number',
		description: 'Faroe Islands VAT number',
		example: 'FO123456',
	},
	fr_siren: { country: 'France', label: 'SIREN', description: 'France SIREN' },
	fr_siret: { country: 'France', label: 'SIRET', description: 'France SIRET' },
	fr_spi: { country: 'France', label: 'SPI / NIF', description: 'France SPI / NIF' },
	gb_vat: {
		country: 'United Kingdom',
		label: 'VAT Number',
		description: 'United Kingdom VAT number',
		example: 'GB123456789',
	},
	ge_vat: {
		country: 'Georgia',
		label: 'VAT Number',
		description: 'Georgian VAT',
		example: '123456789',
	},
	gh_tin: {
		country: 'Ghana',
		label: 'Tax Identification Number',
		description: 'Ghana Tax Identification Number',
	},
	gi_tin: {
		country: 'Gibraltar',
		label: 'Tax Identification Number',
		description: 'Gibraltar Tax Identification number',
		example: '12345',
	},
	gn_nif: {
		country: 'Guinea',
		label: 'NIF (Número de Identificação Fiscal)',
		description: 'Guinea Tax Identification Number (Número de Identificação Fiscal)',
		example: '123456789',
	},
	hk_br: {
		country: 'Hong Kong',
		label: 'BR Number',
		description: 'Hong Kong BR number',
		example: '12345678',
	},
	hr_oib: {
		country: 'Croatia',
		label: 'OIB (Personal Identification Number)',
		description: 'Croatian Personal Identification Number',
		example: '12345678901',
	},
	hu_tin: {
		country: 'Hungary',
		label: 'Adószám (Tax Number)',
		description: 'Hungary tax number (adószám)',
		example: '12345678-1-23',
	},
	ic_nif: {
		country: 'Spain (Canary Islands)',
		label: 'NIF (IGIC)',
		description:
			'Canary Islands tax identification number (Número de Identificación Fiscal), IGIC regime',
		example: 'A12345678',
	},
	id_npwp: {
		country: 'Indonesia',
		label: 'NPWP',
		description: 'Indonesian NPWP number',
		example: '012.345.678.9-012.345',
	},
	il_vat: {
		country: 'Israel',
		label: 'VAT Number',
		description: 'Israel VAT',
		example: '000012345',
	},
	in_gst: {
		country: 'India',
		label: 'GST Number',
		description: 'Indian GST number',
		example: '12ABCDE3456FGZH',
	},
	is_kt: {
		country: 'Iceland',
		label: 'Kennitala',
		description: 'Icelandic Kennitala (identification number)',
	},
	is_vat: {
		country: 'Iceland',
		label: 'VAT Number',
		description: 'Icelandic VAT',
		example: '123456',
	},
	it_cf: {
		country: 'Italy',
		label: 'Codice Fiscale',
		description: 'Italian Codice Fiscale number',
		example: 'ABCDEF12A12A123A',
	},
	jp_cn: {
		country: 'Japan',
		label: 'Corporate Number (Hōjin Bangō)',
		description: 'Japanese Corporate Number (Hōjin Bangō)',
		example: '1234567891234',
	},
	jp_rn: {
		country: 'Japan',
		label: "Registered Foreign Businesses' Registration Number",
		description:
			"Japanese Registered Foreign Businesses' Registration Number (Tōroku Kokugai Jigyōsha no Tōroku Bangō)",
		example: '12345',
	},
	jp_trn: {
		country: 'Japan',
		label: 'Tax Registration Number (Tōroku Bangō)',
		description: 'Japanese Tax Registration Number (Tōroku Bangō)',
		example: 'T1234567891234',
	},
	ke_pin: {
		country: 'Kenya',
		label: 'KRA PIN',
		description: 'Kenya Revenue Authority Personal Identification Number',
		example: 'P000111111A',
	},
	kg_tin: {
		country: 'Kyrgyzstan',
		label: 'Tax Identification Number',
		description: 'Kyrgyzstan Tax Identification Number',
		example: '12345678901234',
	},
	kh_tin: {
		country: 'Cambodia',
		label: 'Tax Identification Number',
		description: 'Cambodia Tax Identification Number',
		example: '1001-123456789',
	},
	kr_brn: {
		country: 'South Korea',
		label: 'BRN (Business Registration Number)',
		description: 'Korean BRN',
		example: '123-45-67890',
	},
	kz_bin: {
		country: 'Kazakhstan',
		label: 'BIN (Business Identification Number)',
		description: 'Kazakhstani Business Identification Number',
		example: '123456789012',
	},
	la_tin: {
		country: 'Laos',
		label: 'Tax Identification Number',
		description: 'Laos Tax Identification Number',
		example: '123456789-000',
	},
	li_uid: {
		country: 'Liechtenstein',
		label: 'UID Number',
		description: 'Liechtensteinian UID number',
		example: 'CHE123456789',
	},
	li_vat: {
		country: 'Liechtenstein',
		label: 'VAT Number',
		description: 'Liechtensteinian VAT number',
		example: '12345',
	},
	lk_vat: {
		country: 'Sri Lanka',
		label: 'VAT Number',
		description: 'Sri Lanka VAT number',
		example: '123456789-1234',
	},
	ma_vat: {
		country: 'Morocco',
		label: 'VAT Number',
		description: 'Morocco VAT Number',
		example: '12345678',
	},
	md_cf: { country: 'Moldova', label: 'Cod Fiscal', description: 'Moldova Cod Fiscal number' },
	md_vat: {
		country: 'Moldova',
		label: 'VAT Number',
		description: 'Moldova VAT Number',
		example: '1234567',
	},
	me_pib: {
		country: 'Montenegro',
		label: 'PIB',
		description: 'Montenegro PIB Number',
		example: '12345678',
	},
	mk_vat: {
		country: 'North Macedonia',
		label: 'VAT Number',
		description: 'North Macedonia VAT Number',
		example: 'MK1234567890123',
	},
	mr_nif: {
		country: 'Mauritania',
		label: 'NIF (Número de Identificação Fiscal)',
		description: 'Mauritania Tax Identification Number (Número de Identificação Fiscal)',
		example: '12345678',
	},
	mu_vat: { country: 'Mauritius', label: 'VAT Number', description: 'Mauritius VAT number' },
	mx_rfc: {
		country: 'Mexico',
		label: 'RFC',
		description: 'Mexican RFC number',
		example: 'ABC010203AB9',
	},
	my_frp: {
		country: 'Malaysia',
		label: 'FRP Number',
		description: 'Malaysian FRP number',
		example: '12345678',
	},
	my_itn: {
		country: 'Malaysia',
		label: 'ITN (Income Tax Number)',
		description: 'Malaysian ITN',
		example: 'C 1234567890',
	},
	my_sst: {
		country: 'Malaysia',
		label: 'SST Number',
		description: 'Malaysian SST number',
		example: 'A12-3456-78912345',
	},
	mz_nuit: {
		country: 'Mozambique',
		label: 'NUIT (Número de Identificação Tributária)',
		description: 'Mozambique Número de Identificação Tributária',
	},
	ng_tin: {
		country: 'Nigeria',
		label: 'Tax Identification Number',
		description: 'Nigerian Tax Identification Number',
		example: '12345678-0001',
	},
	no_vat: {
		country: 'Norway',
		label: 'VAT Number',
		description: 'Norwegian VAT number',
		example: '123456789MVA',
	},
	no_voec: {
		country: 'Norway',
		label: 'VOEC Number (VAT on e-commerce)',
		description: 'Norwegian VAT on e-commerce number',
		example: '1234567',
	},
	np_pan: { country: 'Nepal', label: 'PAN', description: 'Nepal PAN Number', example: '123456789' },
	nz_bn: {
		country: 'New Zealand',
		label: 'NZBN (Business Number)',
		description: 'New Zealand Business Number',
	},
	nz_gst: {
		country: 'New Zealand',
		label: 'GST Number',
		description: 'New Zealand GST number',
		example: '123456789',
	},
	om_vat: {
		country: 'Oman',
		label: 'VAT Number',
		description: 'Omani VAT Number',
		example: 'OM1234567890',
	},
	pe_ruc: {
		country: 'Peru',
		label: 'RUC',
		description: 'Peruvian RUC number',
		example: '12345678901',
	},
	ph_tin: {
		country: 'Philippines',
		label: 'Tax Identification Number',
		description: 'Philippines Tax Identification Number',
		example: '123456789012',
	},
	pl_nip: {
		country: 'Poland',
		label: 'NIP',
		description: 'Polish NIP number',
		example: '1234567890',
	},
	pt_nif: {
		country: 'Portugal',
		label: 'NIF (Número de Identificação Fiscal)',
		description: 'Portugal Número de Identificação Fiscal',
	},
	py_ruc: {
		country: 'Paraguay',
		label: 'RUC',
		description: 'Paraguayan RUC number',
		example: '12345678A',
	},
	ro_tin: {
		country: 'Romania',
		label: 'Tax ID',
		description: 'Romanian tax ID number',
		example: '1234567890123',
	},
	rs_pib: {
		country: 'Serbia',
		label: 'PIB',
		description: 'Serbian PIB number',
		example: '123456789',
	},
	ru_inn: { country: 'Russia', label: 'INN', description: 'Russian INN', example: '1234567891' },
	ru_kpp: { country: 'Russia', label: 'KPP', description: 'Russian KPP', example: '123456789' },
	sa_vat: {
		country: 'Saudi Arabia',
		label: 'VAT Number',
		description: 'Saudi Arabia VAT',
		example: '123456789012345',
	},
	sg_gst: {
		country: 'Singapore',
		label: 'GST Number',
		description: 'Singaporean GST',
		example: 'M12345678X',
	},
	sg_uen: {
		country: 'Singapore',
		label: 'UEN',
		description: 'Singaporean UEN',
		example: '123456789F',
	},
	si_tin: {
		country: 'Slovenia',
		label: 'Davčna številka (Tax Number)',
		description: 'Slovenia tax number (davčna številka)',
		example: '12345678',
	},
	sm_coe: {
		country: 'San Marino',
		label: 'COE (Codice Operatore Economico)',
		description: 'San Marino COE number (Codice Operatore Economico)',
	},
	sn_ninea: {
		country: 'Senegal',
		label: 'NINEA',
		description: 'Senegal NINEA Number',
		example: '12345672A2',
	},
	sr_fin: {
		country: 'Suriname',
		label: 'FIN',
		description: 'Suriname FIN Number',
		example: '1234567890',
	},
	sv_nit: {
		country: 'El Salvador',
		label: 'NIT',
		description: 'El Salvadorian NIT number',
		example: '1234-567890-123-4',
	},
	th_vat: {
		country: 'Thailand',
		label: 'VAT Number',
		description: 'Thai VAT',
		example: '1234567891234',
	},
	tj_tin: {
		country: 'Tajikistan',
		label: 'Tax Identification Number',
		description: 'Tajikistan Tax Identification Number',
		example: '123456789',
	},
	tr_tin: {
		country: 'Türkiye (Turkey)',
		label: 'Tax Identification Number',
		description: 'Turkish Tax Identification Number',
		example: '0123456789',
	},
	tt_bir: {
		country: 'Trinidad and Tobago',
		label: 'BIR Number (Board of Inland Revenue)',
		description: 'Trinidad and Tobago Board of Inland Revenue number',
	},
	tt_vat: {
		country: 'Trinidad and Tobago',
		label: 'VAT Number',
		description: 'Trinidad and Tobago VAT registration number',
	},
	tw_vat: {
		country: 'Taiwan',
		label: 'VAT Number',
		description: 'Taiwanese VAT',
		example: '12345678',
	},
	tz_vat: {
		country: 'Tanzania',
		label: 'VAT Number',
		description: 'Tanzania VAT Number',
		example: '12345678A',
	},
	ua_vat: {
		country: 'Ukraine',
		label: 'VAT Number',
		description: 'Ukrainian VAT',
		example: '123456789',
	},
	ug_tin: {
		country: 'Uganda',
		label: 'Tax Identification Number',
		description: 'Uganda Tax Identification Number',
		example: '1014751879',
	},
	us_ein: {
		country: 'United States',
		label: 'EIN',
		description: 'United States EIN',
		example: '12-3456789',
	},
	uy_ruc: {
		country: 'Uruguay',
		label: 'RUC',
		description: 'Uruguayan RUC number',
		example: '123456789012',
	},
	uz_tin: {
		country: 'Uzbekistan',
		label: 'Tax Identification Number',
		description: 'Uzbekistan TIN Number',
		example: '123456789',
	},
	uz_vat: {
		country: 'Uzbekistan',
		label: 'VAT Number',
		description: 'Uzbekistan VAT Number',
		example: '123456789012',
	},
	ve_rif: {
		country: 'Venezuela',
		label: 'RIF',
		description: 'Venezuelan RIF number',
		example: 'A-12345678-9',
	},
	vn_tin: {
		country: 'Vietnam',
		label: 'Tax ID',
		description: 'Vietnamese tax ID number',
		example: '1234567890',
	},
	za_vat: {
		country: 'South Africa',
		label: 'VAT Number',
		description: 'South African VAT number',
		example: '4123456789',
	},
	zm_tin: {
		country: 'Zambia',
		label: 'Tax Identification Number',
		description: 'Zambia Tax Identification Number',
		example: '1004751879',
	},
	zw_tin: {
		country: 'Zimbabwe',
		label: 'Tax Identification Number',
		description: 'Zimbabwe Tax Identification Number',
		example: '1234567890',
	},
} satisfies Record<string, TaxIdTypeInfo>;

export type TaxIdType = keyof typeof TAX_ID_TYPE_INFO;

/** Every type, sorted. */
export const TAX_ID_TYPES: readonly TaxIdType[] = (
	Object.keys(TAX_ID_TYPE_INFO) as TaxIdType[]
).sort();

function optionDescription(type: TaxIdType, info: TaxIdTypeInfo): string {
	// One type for every EU member state: the prefix names the country.
	if (type === 'eu_vat') return 'e.g. DE123456789, FRAB123456789; XI123456789 for Northern Ireland';
	return info.example ? `e.g. ${info.example}` : info.description;
}

/** For an n8n options list: "Germany: Steuernummer (de_stn)", so typing a country finds its types. Sorted by name. */
export const TAX_ID_TYPE_OPTIONS: ReadonlyArray<{
	name: string;
	value: TaxIdType;
	description: string;
}> = TAX_ID_TYPES.map((type) => {
	const info: TaxIdTypeInfo = TAX_ID_TYPE_INFO[type];
	return {
		name: `${info.country}: ${info.label} (${type})`,
		value: type,
		description: optionDescription(type, info),
	};
}).sort((a, b) => a.name.localeCompare(b.name, 'en'));
