DROP TABLE publication_items;
DROP TABLE publication_versions;
DROP TABLE publications;
DROP TABLE offerings;
DROP TABLE skus;
DROP TABLE products;
DROP TABLE channels;
DROP TABLE org_relationships;
