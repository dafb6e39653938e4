// Command countcomments is the durability check of bench/run.sh: after the server has been
// stopped, it opens the site's database directly and reports how many comments are stored in
// each status and, given a file of comment ids the server acknowledged (one per line, from
// the Location of each 303), how many of those are missing. It exits 1 when any is missing.
//
//	go run ./bench/cmd/countcomments --db DIR/broadside.db [--acked FILE]
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "countcomments:", err)
		os.Exit(2)
	}
}

func run() error {
	db := flag.String("db", "", "SQLite file (DIR/broadside.db) or postgres:// URL")
	acked := flag.String("acked", "", "file of acknowledged comment ids, one per line")
	flag.Parse()
	if *db == "" {
		return fmt.Errorf("--db is required")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()

	counts, err := st.CommentCounts(ctx)
	if err != nil {
		return err
	}
	total := 0
	var parts []string
	for _, s := range broadside.CommentStatuses {
		total += counts[s]
		parts = append(parts, fmt.Sprintf("%s=%d", s, counts[s]))
	}
	fmt.Printf("stored comments: total=%d %s\n", total, strings.Join(parts, " "))
	if *acked == "" {
		return nil
	}

	f, err := os.Open(*acked)
	if err != nil {
		return err
	}
	defer f.Close()
	seen := map[int64]bool{}
	checked, missing, dups := 0, 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		id, err := strconv.ParseInt(line, 10, 64)
		if err != nil {
			return fmt.Errorf("%s: bad id %q", *acked, line)
		}
		if seen[id] {
			dups++ // two 303s naming one comment would mean two submissions were merged
			continue
		}
		seen[id] = true
		checked++
		if _, err := st.CommentByID(ctx, id); broadside.ErrorCode(err) == broadside.ENOTFOUND {
			missing++
			if missing <= 10 {
				fmt.Printf("MISSING acknowledged comment %d\n", id)
			}
		} else if err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	fmt.Printf("acknowledged ids: checked=%d missing=%d repeated=%d\n", checked, missing, dups)
	if missing > 0 || dups > 0 {
		os.Exit(1)
	}
	return nil
}
