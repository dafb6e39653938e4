//go:build !unix

package testdb

import "errors"

type cluster struct{ url, template string }

func (c *cluster) stop() {}

func startCluster() (*cluster, error) {
	return nil, errors.New("a throwaway PostgreSQL cluster needs a unix system; set " + EnvPostgresURL)
}
