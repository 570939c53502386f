package store

import (
	"fmt"
	"regexp"
	"strings"
)

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// MaxParams is how many `?` arguments one statement may carry on the dialect: MySQL's
// prepared statements take 65,535, SQLite's default limit is 32,766. Batch upserts so
// that rows × len(cols) stays within it.
func (d Dialect) MaxParams() int {
	if d == SQLite {
		return 32766
	}
	return 65535
}

// Upsert returns a multi-row INSERT of `rows` value tuples into table that, when a row
// collides on its unique key, updates updateCols from the new row instead:
//
//	MySQL:  INSERT … VALUES (…),(…) ON DUPLICATE KEY UPDATE c = VALUES(c)
//	SQLite: INSERT … VALUES (…),(…) ON CONFLICT (k) DO UPDATE SET c = excluded.c
//
// keyCols name the unique key SQLite resolves against; MySQL uses whichever unique key
// collides. With no updateCols, colliding rows are left as they are. Arguments go row
// by row in cols order. VALUES(c) rather than MySQL 8's row alias keeps the statement
// valid on MariaDB. Table and column names are code, never input: an invalid name or
// rows < 1 is a programming error and panics.
func (d Dialect) Upsert(table string, cols []string, keyCols []string, updateCols []string, rows int) string {
	if rows < 1 || len(cols) == 0 || len(keyCols) == 0 {
		panic(fmt.Sprintf("store: Upsert(%q) needs columns, key columns and at least one row", table))
	}
	for _, name := range append(append(append([]string{table}, cols...), keyCols...), updateCols...) {
		if !identifier.MatchString(name) {
			panic(fmt.Sprintf("store: Upsert: %q is not an identifier", name))
		}
	}
	var b strings.Builder
	b.Grow(64 + rows*(len(cols)*3+4))
	b.WriteString("INSERT INTO ")
	b.WriteString(quoteIdent(table))
	b.WriteString(" (")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteIdent(c))
	}
	b.WriteString(") VALUES ")
	tuple := "(" + placeholders(len(cols)) + ")"
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tuple)
	}
	if d == SQLite {
		b.WriteString(" ON CONFLICT (")
		for i, c := range keyCols {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteIdent(c))
		}
		if len(updateCols) == 0 {
			b.WriteString(") DO NOTHING")
			return b.String()
		}
		b.WriteString(") DO UPDATE SET ")
		for i, c := range updateCols {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteIdent(c) + " = excluded." + quoteIdent(c))
		}
		return b.String()
	}
	b.WriteString(" ON DUPLICATE KEY UPDATE ")
	if len(updateCols) == 0 {
		// A self-assignment keeps the existing row without INSERT IGNORE, which would
		// also swallow unrelated errors such as truncation.
		k := quoteIdent(keyCols[0])
		b.WriteString(k + " = " + k)
		return b.String()
	}
	for i, c := range updateCols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteIdent(c) + " = VALUES(" + quoteIdent(c) + ")")
	}
	return b.String()
}

// quoteIdent quotes a name with backticks, which both MySQL and SQLite accept, so that
// FOCUS-style column names that are reserved words in MySQL (usage, range) still work.
func quoteIdent(name string) string { return "`" + name + "`" }
