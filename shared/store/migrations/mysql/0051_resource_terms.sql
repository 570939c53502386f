-- The words a resource is found by in the resources list (q=): its provider id and name,
-- lower-cased, each also from every word on (prod-web-12 gives prod-web-12, web-12 and 12),
-- so that a search is an index range over the words and not a scan of every resource. The
-- account is kept beside the word so that a viewer's search reads only their accounts' words.
CREATE TABLE resource_terms (
  term         VARCHAR(128) NOT NULL,
  account_id   BIGINT       NOT NULL,
  resource_row BIGINT       NOT NULL,
  PRIMARY KEY (term, resource_row),
  KEY resource_terms_account (account_id, term),
  KEY resource_terms_resource (resource_row),
  CONSTRAINT resource_terms_resource FOREIGN KEY (resource_row) REFERENCES resources (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
