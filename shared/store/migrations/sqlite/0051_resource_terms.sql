-- The words a resource is found by in the resources list; see the MySQL migration.
CREATE TABLE resource_terms (
  term         TEXT    NOT NULL,
  account_id   INTEGER NOT NULL,
  resource_row INTEGER NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
  PRIMARY KEY (term, resource_row)
) STRICT;
CREATE INDEX resource_terms_account ON resource_terms (account_id, term);
CREATE INDEX resource_terms_resource ON resource_terms (resource_row);
