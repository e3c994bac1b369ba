DROP TABLE tax_rates;
DROP TABLE fx_rates;
DROP TABLE price_rules;
DROP TABLE price_books;
