// bench/render's Node half: the bench page's data, and mustache.js rendering the same page.
//
//   node bench/render-mustache.mjs --data            the page's data (JSON) on stdout
//   node bench/render-mustache.mjs DATA OUT SECONDS ROUNDS
//        renders bench/render-templates/flat.mustache (partials from partials/) over DATA,
//        warm, writes one page to OUT, prints key=value lines like bench/render-bench.
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Mustache from 'mustache';

const here = dirname(fileURLToPath(import.meta.url));
const templates = join(here, 'render-templates');

// Deterministic, with escaping in some names. Money is a decimal string as in Trellis; no
// '/', '=' or '`' in values, which mustache.js escapes and the spec (and Trellis) do not.
function pageData() {
    const customers = ['Northwind Care', 'O\'Brien & Sons "Ltd"', 'St. Mary <Hospital>', 'Acme Dealers',
        'Blue Ridge Clinic', 'Kowalski & Partner'];
    const parts = ['Bolt M8 & nut', 'Valve <DN50>', 'Filter "HEPA" 13', 'Pump seal kit', 'Sensor 4-20 mA',
        'Hose 3 m'];
    const rows = [];
    for (let i = 0; i < 200; i++) {
        const cents = 1000 + ((i * 7919) % 90000);
        rows.push({
            id: 100000 + i,
            number: `SO-2026-${String(4100 + i).padStart(5, '0')}`,
            status: ['open', 'picking', 'shipped', 'held'][i % 4],
            customer: { id: 500 + (i % customers.length), name: customers[i % customers.length] },
            sku: `SKU-${(i * 37) % 1000}-${'ABCDEF'[i % 6]}`,
            description: parts[i % parts.length],
            qty: 1 + ((i * 13) % 48),
            price: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
            urgent: i % 9 === 0,
            updated: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:15:00Z`,
        });
    }
    return {
        org: { id: 42, name: 'Dealer & Co <Nord>', type: 'dealer' },
        user: { name: 'Ann O\'Neil', role: 'org_admin' },
        generated: '2026-11-21T09:00:00Z',
        currency: 'EUR',
        count: rows.length,
        nav: [
            { path: 'orgs', label: 'Organizations', current: false },
            { path: 'orders', label: 'Orders', current: true },
            { path: 'catalog', label: 'Catalog', current: false },
            { path: 'audit', label: 'Audit log', current: false },
        ],
        kpis: [
            { label: 'Open orders', value: 200, warn: false, delta: '+12' },
            { label: 'Overdue', value: 7, warn: true, delta: null },
            { label: 'Revenue (EUR)', value: '18450.00', warn: false, delta: '+4.1%' },
            { label: 'Tickets', value: 3, warn: false, delta: null },
        ],
        rows,
    };
}

if (process.argv[2] === '--data') {
    process.stdout.write(JSON.stringify(pageData(), null, 1) + '\n');
    process.exit(0);
}

const [dataFile, outFile, secondsArg, roundsArg] = process.argv.slice(2);
if (!dataFile || !outFile) {
    process.stderr.write('usage: node bench/render-mustache.mjs --data | DATA OUT [SECONDS] [ROUNDS]\n');
    process.exit(2);
}
const seconds = Number(secondsArg || 2);
const rounds = Number(roundsArg || 5);
const data = JSON.parse(readFileSync(dataFile, 'utf8'));
const page = readFileSync(join(templates, 'flat.mustache'), 'utf8');
const partials = {};
for (const f of readdirSync(join(templates, 'partials'))) {
    if (f.endsWith('.mustache'))
        partials[f.slice(0, -9)] = readFileSync(join(templates, 'partials', f), 'utf8');
}

const now = () => process.hrtime.bigint();
let out = Mustache.render(page, data, partials);
writeFileSync(outFile, out);
const bytes = Buffer.byteLength(out);

// Warm: mustache.js caches the parsed templates, and the JIT settles.
for (const end = now() + 1_000_000_000n; now() < end;)
    out = Mustache.render(page, data, partials);

const heapBefore = process.memoryUsage().heapUsed;
const wall = [], cpu = [];
let total = 0;
for (let r = 0; r < rounds; r++) {
    const budget = BigInt(Math.round((seconds / rounds) * 1e9));
    const start = now(), cpu0 = process.cpuUsage();
    let n = 0, t;
    do {
        out = Mustache.render(page, data, partials);
        n++;
        t = now() - start;
    } while (t < budget);
    const c = process.cpuUsage(cpu0);
    wall.push(Number(t) / n);
    cpu.push(((c.user + c.system) * 1000) / n);
    total += n;
}
const heapAfter = process.memoryUsage().heapUsed;
const median = (v) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
const ns = median(wall);
const version = JSON.parse(readFileSync(join(here, '..', 'node_modules', 'mustache', 'package.json'), 'utf8')).version;
console.log(`renderer=mustache.js ${version}`);
console.log(`node=${process.version}`);
console.log(`bytes=${bytes}`);
console.log(`renders=${total}`);
console.log(`ns_per_render=${ns.toFixed(0)}`);
console.log(`cpu_ns_per_render=${median(cpu).toFixed(0)}`);
console.log(`mb_per_s=${(bytes / ns * 1e3).toFixed(1)}`);
console.log(`heap_before=${heapBefore}`);
console.log(`heap_after=${heapAfter}`);
