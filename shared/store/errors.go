package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"
	"syscall"

	"github.com/go-sql-driver/mysql"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/cloudlens/cloudlens/shared/errs"
)

// Messages of translated errors: safe for users, with no host, table or value in them.
const (
	msgNotFound    = "not found"
	msgConflict    = "a record with the same key already exists"
	msgReference   = "the change refers to a record that does not exist or is still in use"
	msgTooLong     = "a value is too long"
	msgUnavailable = "database unavailable"
)

// MySQL server error numbers the store classifies.
var mysqlKinds = map[uint16]struct {
	kind errs.Kind
	msg  string
}{
	1062: {errs.KindConflict, msgConflict},       // ER_DUP_ENTRY
	1586: {errs.KindConflict, msgConflict},       // ER_DUP_ENTRY_WITH_KEY_NAME
	1451: {errs.KindConflict, msgReference},      // ER_ROW_IS_REFERENCED_2
	1452: {errs.KindConflict, msgReference},      // ER_NO_REFERENCED_ROW_2
	1406: {errs.KindInvalid, msgTooLong},         // ER_DATA_TOO_LONG
	1040: {errs.KindUnavailable, msgUnavailable}, // ER_CON_COUNT_ERROR
	1203: {errs.KindUnavailable, msgUnavailable}, // ER_TOO_MANY_USER_CONNECTIONS
	1205: {errs.KindUnavailable, msgUnavailable}, // ER_LOCK_WAIT_TIMEOUT
	1213: {errs.KindUnavailable, msgUnavailable}, // ER_LOCK_DEADLOCK
	1053: {errs.KindUnavailable, msgUnavailable}, // ER_SERVER_SHUTDOWN
	1927: {errs.KindUnavailable, msgUnavailable}, // ER_CONNECTION_KILLED (MariaDB)
	3024: {errs.KindUnavailable, msgUnavailable}, // ER_QUERY_TIMEOUT (MySQL)
	1969: {errs.KindUnavailable, msgUnavailable}, // ER_STATEMENT_TIMEOUT (MariaDB)
	1044: {errs.KindUnavailable, msgUnavailable}, // ER_DBACCESS_DENIED_ERROR
	1045: {errs.KindUnavailable, msgUnavailable}, // ER_ACCESS_DENIED_ERROR
	1049: {errs.KindUnavailable, msgUnavailable}, // ER_BAD_DB_ERROR
}

// Translate classifies a database error as an errs kind, keeping the cause for logs:
// no rows → not found; duplicate key → conflict; broken or refused connections, lock
// timeouts and deadlines → unavailable. Already classified errors and errors it does
// not recognise come back unchanged (the latter count as internal).
func Translate(err error) error {
	if err == nil {
		return nil
	}
	var classified *errs.Error
	if errors.As(err, &classified) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return errs.Wrap(errs.KindNotFound, err, msgNotFound)
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		if k, ok := mysqlKinds[me.Number]; ok {
			if k.kind == errs.KindInvalid {
				// The one 400 a driver error gives; the store does not know which field it was.
				return errs.Coded(k.kind, errs.CodeValueTooLong, nil, err, "%s", k.msg)
			}
			return errs.Wrap(k.kind, err, "%s", k.msg)
		}
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return errs.Wrap(errs.KindConflict, err, msgConflict)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return errs.Wrap(errs.KindConflict, err, msgReference)
		}
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR:
			return errs.Wrap(errs.KindUnavailable, err, msgUnavailable)
		}
		return err
	}
	if unavailable(err) {
		return errs.Wrap(errs.KindUnavailable, err, msgUnavailable)
	}
	return err
}

// unavailable reports whether err says the database could not be reached in time.
func unavailable(err error) bool {
	for _, target := range []error{
		driver.ErrBadConn, mysql.ErrInvalidConn, sql.ErrConnDone, context.DeadlineExceeded,
		syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE, syscall.ETIMEDOUT, syscall.EHOSTUNREACH,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	var ne net.Error
	return errors.As(err, &ne)
}
