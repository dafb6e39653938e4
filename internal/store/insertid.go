package store

import "context"

// insertReturningID runs the single-row INSERT q and sets *id to the new row's id. SQLite
// reads it from the result: there an INSERT … RETURNING cost about three times the plain
// insert (docs/benchmarks.md, goals 4 and 6), and comment writes hold the one writer.
func (s *Store) insertReturningID(ctx context.Context, q string, args []any, id *int64) error {
	if s.isPG() {
		return s.wr().QueryRowContext(ctx, q+" RETURNING id", args...).Scan(id)
	}
	res, err := s.wr().ExecContext(ctx, q, args...)
	if err != nil {
		return err
	}
	n, err := res.LastInsertId()
	if err != nil {
		return classify(err)
	}
	*id = n
	return nil
}
