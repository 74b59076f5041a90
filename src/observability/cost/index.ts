/** The cost engine: USD per request from the shipped price table and the config's `pricing`. */
export { createPriceBook, priceBookFrom, type PriceBookWithSource } from './price-book.js';
export { loadPriceTable, type PriceTable, type TableEntry } from './genai-prices-table.js';
export { costOf, type Rate, type Rates } from './rates.js';
