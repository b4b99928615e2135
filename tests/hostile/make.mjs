#!/usr/bin/env node
// Writes the hostile-input corpus (tests/hostile/files/) and what a user
// must get for each (tests/hostile/expected.json): either a clear error
// (code + words of the message) or a result with the customers and skipped
// rows known by construction. Run natively (tests/hostile.rs), in Wasm
// under Node and through the CLI (tests/js/hostile.test.mjs), and in the
// browser (tests/browser/hostile.test.mjs). Regenerate: node tests/hostile/make.mjs
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./files/', import.meta.url));
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

/** @type {Record<string, object>} */
const expected = {};
/**
 * @param {string} name
 * @param {string | Uint8Array} content
 * @param {{ error?: string, contains?: string, customers?: number, skipped?: number, warns?: string, options?: object }} want
 */
function file(name, content, want) {
  writeFileSync(dir + name, content);
  expected[name] = want;
}
const utf16 = (s, le) => {
  const out = [le ? 0xff : 0xfe, le ? 0xfe : 0xff];
  for (const u of s.split('').map((c) => c.charCodeAt(0))) out.push(le ? u & 255 : u >> 8, le ? u >> 8 : u & 255);
  return new Uint8Array(out);
};
const table = 'id,spend,visits\na,10,1\nb,12,2\nc,300,30\nd,320,31\n';

// encodings and framing
file('empty.csv', '', { error: 'empty_input', contains: 'empty' });
file('whitespace_only.csv', '   \n\n \t\n', { error: 'empty_input', contains: 'empty' });
file('header_only.csv', 'id,spend,visits\n', { error: 'empty_input', contains: 'no data rows' });
file('bom_utf8.csv', '\ufeff' + table, { customers: 4, skipped: 0 });
file('utf16le_bom.csv', utf16(table, true), { customers: 4, skipped: 0 });
file('utf16be_bom.csv', utf16(table, false), { customers: 4, skipped: 0 });
file('invalid_utf8.csv', new Uint8Array([...Buffer.from('id,x\na,1\nb'), 0xff, 0xfe, ...Buffer.from(',2\nc,30\nd,31\n')]), { customers: 4, skipped: 0, warns: 'invalid UTF-8' });
file('zip_archive.csv', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]), { error: 'binary_input', contains: 'binary' });
file('png_image.csv', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]), { error: 'binary_input', contains: 'binary' });
file('crlf.csv', table.replaceAll('\n', '\r\n'), { customers: 4, skipped: 0 });
file('cr_only.csv', table.replaceAll('\n', '\r'), { customers: 4, skipped: 0 });
file('no_trailing_newline.csv', table.trimEnd(), { customers: 4, skipped: 0 });
file('html_page.csv', '<!doctype html><html><body><p>Sign in</p></body></html>\n', { error: 'wrong_format', contains: 'HTML page' });
file('xml_document.csv', '<?xml version="1.0"?><rows><row id="a" spend="1"/></rows>\n', { error: 'wrong_format', contains: 'XML' });

// quoting and shape
file('quoted_newlines_and_quotes.csv', 'id,spend\n"a\nmultiline ""id""",1\n"b, with comma",2\nc,30\nd,31\n', { customers: 4, skipped: 0 });
file('unbalanced_quote.csv', 'id,spend\na,1\n"b,2\nc,30\nd,31\n', { customers: 1, skipped: 1, warns: 'expected 2 fields', options: { k: 1 } });
file('ragged_rows.csv', 'id,spend,visits\na,1,1\nb,2\nc,3,3,3\nd,30,30\ne,31,31\n', { customers: 3, skipped: 2, warns: 'expected 3 fields' });
file('duplicate_headers.csv', 'id,x,x,x\na,1,2,3\nb,1,2,3\nc,9,9,9\nd,9,9,8\n', { customers: 4, skipped: 0, warns: 'renamed' });
file('empty_header_names.csv', ',,\na,1,2\nb,2,3\nc,30,30\nd,31,31\n', { customers: 4, skipped: 0 });
file('tab_separated.csv', table.replaceAll(',', '\t'), { customers: 4, skipped: 0 });
file('pipe_separated.csv', table.replaceAll(',', '|'), { customers: 4, skipped: 0 });
file('spaces_around_values.csv', 'id , spend , visits\n a , 10 , 1 \n b , 12 , 2\n c , 300 , 30\n d , 320 , 31\n', { customers: 4, skipped: 0 });
file('ten_thousand_columns.csv', ['id,' + Array.from({ length: 10000 }, (_, i) => `c${i}`).join(','), ...['a', 'b', 'c', 'd'].map((id, r) => id + ',' + Array.from({ length: 10000 }, (_, i) => (i + r * 7) % 13).join(','))].join('\n') + '\n', { customers: 4, skipped: 0 });
file('one_megabyte_cell.csv', `id,note,spend\na,${'x'.repeat(1 << 20)},1\nb,short,2\nc,short,30\nd,short,31\n`, { customers: 4, skipped: 0 });
file('one_megabyte_bad_number.csv', `id,spend\na,${'9'.repeat(1 << 20)}x\nb,2\nc,30\nd,31\ne,32\n`, { customers: 4, skipped: 1, warns: 'cannot read' });

// numbers
file('nan_inf_overflow.csv', 'id,spend\na,1\nb,NaN\nc,inf\nd,-Infinity\ne,1e400\nf,30\ng,31\n', { customers: 4, skipped: 3, warns: 'is not a finite number' });
file('decimal_comma_semicolon.csv', 'id;spend\na;1,5\nb;2,5\nc;30,5\nd;31,5\n', { error: 'no_numeric_columns', contains: 'no numeric columns' });
file('huge_magnitudes.csv', 'id,x,y\na,1e300,1\nb,-1e300,2\nc,1e300,30\nd,-1e300,31\n', { customers: 4, skipped: 0 });
file('zero_variance.csv', 'id,x,y\na,5,5\nb,5,5\nc,5,5\nd,5,5\n', { customers: 4, skipped: 0, options: { k: 2 } });
file('all_missing_column.csv', 'id,x,empty\na,1,NA\nb,2,\nc,30,null\nd,31,-\n', { customers: 4, skipped: 0 });
file('single_row.csv', 'id,x\na,1\n', { error: 'bad_params', contains: 'larger than the number of customers' });
file('k_larger_than_customers.csv', table, { error: 'bad_params', contains: 'choose k <= 4', options: { k: 10 } });
file('only_text_columns.csv', 'name,city\nann,paris\nbob,rome\n', { error: 'no_numeric_columns', contains: 'no numeric columns' });

// ids and strings that attack the page or a spreadsheet
file('csv_injection_ids.csv', 'id,spend\n"=cmd|\' /C calc\'!A0",1\n+SUM(1),2\n-2+3,30\n@HYPERLINK("x"),31\n', { customers: 4, skipped: 0 });
file('markup_ids_and_headers.csv', 'id,<script>alert(1)</script>\n<img src=x onerror=alert(1)>,1\n<b>bold</b>,2\n&amp;,30\n"<a href=\'javascript:alert(1)\'>x</a>",31\n', { customers: 4, skipped: 0 });
file('unicode_ids.csv', 'id,spend\nZoë 🎉,1\n顧客,2\nМария,30\n\u202eevil,31\n', { customers: 4, skipped: 0 });
file('missing_ids.csv', 'id,spend\na,1\n,2\nNA,3\nb,4\nc,30\nd,31\n', { customers: 4, skipped: 2, warns: 'missing customer id' });

// event logs
const ev = (rows) => 'customer,date,event,amount\n' + rows.join('\n') + '\n';
file('events_future_dates.csv', ev(['a,2099-01-01,purchase,10', 'b,2099-02-01,purchase,20', 'a,2099-03-01,view,', 'c,2099-03-02,purchase,5']), { customers: 3, skipped: 0, options: { method: 'rfm' } });
file('events_before_1970.csv', ev(['a,1969-07-20,purchase,10', 'b,1969-07-21,purchase,20', 'a,1969-08-01,view,', 'c,1969-08-02,purchase,5']), { customers: 3, skipped: 0, options: { method: 'rfm' } });
file('events_bad_dates.csv', ev(['a,2024-01-01,purchase,10', 'b,yesterday,purchase,20', 'a,2024-02-30,view,', 'c,2024-03-01,purchase,5', 'a,2024-03-05,purchase,7']), { customers: 2, skipped: 2, warns: 'cannot read', options: { method: 'rfm' } });
file('events_all_bad_dates.csv', ev(['a,soon,purchase,10', 'b,later,purchase,20', 'a,never,view,']), { error: 'bad_timestamps', contains: 'cannot be read as timestamps', options: { input: 'events', timeColumn: 'date' } });
file('events_refunds_only.csv', ev(['a,2024-01-01,refund,-10', 'b,2024-01-02,refund,-20', 'a,2024-01-03,refund,-5', 'c,2024-01-04,refund,-1']), { customers: 3, skipped: 0, options: { method: 'rfm' } });
file('events_epoch_millis.csv', 'user_id,event_time,event\nu1,1709251200000,open\nu2,1709337600000,open\nu1,1709424000000,buy\nu3,1709510400000,open\n', { customers: 3, skipped: 0, options: { method: 'rfm' } });

// JSON
file('deep_nesting.json', '['.repeat(100000) + ']'.repeat(100000), { error: 'malformed_json', contains: 'invalid JSON' });
file('json_truncated.json', '[{"user_id":"a","time":"2024-01-01","revenue":1},{"user_id":"b","ti', { error: 'malformed_json', contains: 'line 1' });
file('json_array_of_numbers.json', '[1, 2, 3]', { error: 'empty_input', contains: 'empty' });
file('jsonl_with_garbage.jsonl', '{"id":"a","x":1}\nnot json\n{"id":"b","x":2}\n[1,2]\n{"id":"c","x":30}\n{"id":"d","x":31}\n', { customers: 4, skipped: 2, warns: 'line skipped' });

writeFileSync(fileURLToPath(new URL('./expected.json', import.meta.url)), JSON.stringify(expected, null, 1) + '\n');
console.log(`wrote ${Object.keys(expected).length} hostile files`);
