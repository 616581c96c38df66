// @ts-check
'use strict';

// A line chart as SVG text, written by hand (no dependency): one line per series over shared x values, a dashed
// horizontal line at a limit, axes with ticks and labels, a legend under the title. Sized 720×400.

/**
 * @typedef {object} Series
 * @property {string} name
 * @property {number[]} values One per x value.
 * @property {string} color
 */

/**
 * @typedef {object} LineChart
 * @property {string} title
 * @property {string} xLabel
 * @property {string} yLabel
 * @property {number[]} xs
 * @property {Series[]} series
 * @property {{ value: number; label: string }} limit
 */

const WIDTH = 720;
const HEIGHT = 400;
const MARGIN = { left: 64, right: 28, top: 66, bottom: 52 };

/** @param {string} text */
const escapeXml = (text) =>
	text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Round tick steps (1, 2 or 5 times a power of ten) giving about `count` ticks from 0 to at least `max`.
 * @param {number} max
 * @param {number} count
 */
function ticksUpTo(max, count) {
	const rough = max / count;
	const power = 10 ** Math.floor(Math.log10(rough));
	const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
	const top = Math.ceil(max / step) * step;
	return Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
}

/**
 * @param {LineChart} chart
 * @returns {string}
 */
function lineChartSvg(chart) {
	const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
	const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
	const allValues = chart.series.flatMap((s) => s.values).filter(Number.isFinite);
	const xTicks = ticksUpTo(Math.max(...chart.xs), 5);
	const yTicks = ticksUpTo(Math.max(chart.limit.value * 1.15, ...allValues), 6);
	const xMax = xTicks[xTicks.length - 1];
	const yMax = yTicks[yTicks.length - 1];
	/** @param {number} x */
	const px = (x) => (MARGIN.left + (x / xMax) * plotWidth).toFixed(1);
	/** @param {number} y */
	const py = (y) => (MARGIN.top + plotHeight - (y / yMax) * plotHeight).toFixed(1);
	const bottom = MARGIN.top + plotHeight;
	const right = MARGIN.left + plotWidth;

	/** @type {string[]} */
	const parts = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
		`<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
		`<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`,
	];
	for (const y of yTicks) {
		parts.push(
			`<line x1="${MARGIN.left}" y1="${py(y)}" x2="${right}" y2="${py(y)}" stroke="#e5e5e5"/>`,
			`<text x="${MARGIN.left - 8}" y="${py(y)}" dy="4" text-anchor="end" fill="#444">${y}</text>`,
		);
	}
	for (const x of xTicks) {
		parts.push(
			`<line x1="${px(x)}" y1="${bottom}" x2="${px(x)}" y2="${bottom + 5}" stroke="#444"/>`,
			`<text x="${px(x)}" y="${bottom + 18}" text-anchor="middle" fill="#444">${x}</text>`,
		);
	}
	parts.push(
		`<line x1="${MARGIN.left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#444"/>`,
		`<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}" stroke="#444"/>`,
		`<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 12}" text-anchor="middle" font-size="13">${escapeXml(chart.xLabel)}</text>`,
		`<text transform="translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="13">${escapeXml(chart.yLabel)}</text>`,
		`<line x1="${MARGIN.left}" y1="${py(chart.limit.value)}" x2="${right}" y2="${py(chart.limit.value)}" stroke="#777" stroke-width="1.5" stroke-dasharray="6 4"/>`,
	);
	for (const series of chart.series) {
		const points = chart.xs
			.map((x, i) => [x, series.values[i]])
			.filter(([, y]) => Number.isFinite(y));
		parts.push(
			`<polyline fill="none" stroke="${series.color}" stroke-width="2.5" points="${points.map(([x, y]) => `${px(x)},${py(y)}`).join(' ')}"/>`,
			...points.map(
				([x, y]) => `<circle cx="${px(x)}" cy="${py(y)}" r="4" fill="${series.color}"/>`,
			),
		);
	}

	// The legend: one row under the title, the limit last.
	const entries = [
		...chart.series.map((s) => ({ label: s.name, stroke: s.color, dash: '' })),
		{ label: chart.limit.label, stroke: '#777', dash: ' stroke-dasharray="6 4"' },
	];
	const entryWidth = 170;
	let x = WIDTH / 2 - (entries.length * entryWidth) / 2;
	for (const entry of entries) {
		parts.push(
			`<line x1="${x}" y1="44" x2="${x + 28}" y2="44" stroke="${entry.stroke}" stroke-width="2.5"${entry.dash}/>`,
			`<text x="${x + 36}" y="48">${escapeXml(entry.label)}</text>`,
		);
		x += entryWidth;
	}
	parts.push('</svg>');
	return `${parts.join('\n')}\n`;
}

module.exports = { lineChartSvg };
