package config

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
)

// Limits keep one client, or one upload, from taking the server's memory.
type Limits struct {
	// ConnsPerIP caps the connections one client address may hold open at once (an IPv6
	// client counts by its /64, which it usually owns whole); 0 means no cap. Trusted
	// proxies are exempt: behind one, every reader's connection comes from it.
	ConnsPerIP int
	// ImportUploadMiB caps the WordPress export an administrator may upload in the admin;
	// a larger site imports from the command line, which reads the file from disk.
	ImportUploadMiB int
	// MediaUploadMiB caps one file uploaded to the media library (the media service streams
	// it to storage with this cap, never holding it in memory).
	MediaUploadMiB int
	// APIPerMinute caps the REST API requests of one signed-in user, and APIAnonPerMinute
	// those of one anonymous client address, across all nodes (counted in the database);
	// 0 means no cap.
	APIPerMinute, APIAnonPerMinute int
	// DeliveriesPerHostPerMinute caps federation deliveries to one remote host across all
	// nodes; 0 means no cap.
	DeliveriesPerHostPerMinute int
	// DeliveriesPerHostInFlight caps the deliveries to one remote host running at once on
	// each node, so one slow server cannot hold every delivery worker.
	DeliveriesPerHostInFlight int
	// FederationDeadAfterDays is how many days a remote host may fail without a break before
	// deliveries to it stop (but for a daily probe) until it answers again.
	FederationDeadAfterDays int
	// PageCacheMiB is the memory the page cache may hold, in MiB (rendered pages with their
	// gzip, signed-in readers' pages, discussion fragments); 0 turns the cache off.
	PageCacheMiB int
}

// Default limits. 256 connections leave room for a whole office or a mobile carrier's
// shared address (browsers open up to six each) while bounding what one address can hold
// (a slow upload costs the server tens of KiB). 1 GiB is a very large site's export.
const (
	DefaultConnsPerIP      = 256
	DefaultImportUploadMiB = 1024
	DefaultMediaUploadMiB  = 64
)

// DefaultPageCacheMiB holds a busy site's pages of the last half minute (the cache's
// lifetime): about fifty post pages with their gzip, or ten with very long discussions, and
// as much again of signed-in readers' pages and discussion fragments, within the 60 MB a
// whole node aims for (issue 11). The default memory limit grows with it (memory.go).
const DefaultPageCacheMiB = 8

// Default site-wide rates. A publishing client (the block editor, a mobile app, a sync
// script) makes a few requests a second at most while busy; an anonymous reader's browser or
// a feed reader far fewer. A scraper hammering the API is held to a pace the database
// shrugs off. 60 deliveries a minute to one host is what large ActivityPub servers accept
// from a single sender without throttling it.
const (
	DefaultAPIPerMinute               = 600
	DefaultAPIAnonPerMinute           = 300
	DefaultDeliveriesPerHostPerMinute = 60
	DefaultDeliveriesPerHostInFlight  = 2
	DefaultFederationDeadAfterDays    = 7
)

type limitFlags struct{ conns, upload, media, api, apiAnon, deliveries, inFlight, deadAfter, pageCache string }

func registerLimits(fs *flag.FlagSet, env func(string) string, f *limitFlags) {
	envFlag(fs, env, &f.conns, "max-conns-per-ip", "BROADSIDE_MAX_CONNS_PER_IP", DefaultConnsPerIP,
		"concurrent connections one client address may hold; 0 for no cap")
	envFlag(fs, env, &f.upload, "max-import-mib", "BROADSIDE_MAX_IMPORT_MIB", DefaultImportUploadMiB,
		"largest WordPress export the admin accepts as an upload, in MiB")
	envFlag(fs, env, &f.media, "max-upload-mib", "BROADSIDE_MAX_UPLOAD_MIB", DefaultMediaUploadMiB,
		"largest file the media library accepts, in MiB")
	// Rates below are site-wide (counted in the database): give every node the same value.
	envFlag(fs, env, &f.api, "api-rate", "BROADSIDE_API_RATE", DefaultAPIPerMinute,
		"REST API requests a minute per signed-in user, for the whole site; 0 for no cap")
	envFlag(fs, env, &f.apiAnon, "api-rate-anonymous", "BROADSIDE_API_RATE_ANONYMOUS", DefaultAPIAnonPerMinute,
		"anonymous REST API requests a minute per client address, for the whole site; 0 for no cap")
	envFlag(fs, env, &f.deliveries, "federation-host-rate", "BROADSIDE_FEDERATION_HOST_RATE", DefaultDeliveriesPerHostPerMinute,
		"federation deliveries a minute to one remote host, for the whole site; 0 for no cap")
	envFlag(fs, env, &f.inFlight, "federation-host-concurrency", "BROADSIDE_FEDERATION_HOST_CONCURRENCY", DefaultDeliveriesPerHostInFlight,
		"federation deliveries to one remote host in flight at once, per node")
	envFlag(fs, env, &f.deadAfter, "federation-dead-after-days", "BROADSIDE_FEDERATION_DEAD_AFTER_DAYS", DefaultFederationDeadAfterDays,
		"days a remote host may fail without a break before deliveries to it stop until it answers again")
	envFlag(fs, env, &f.pageCache, "page-cache-mib", "BROADSIDE_PAGE_CACHE_MIB", DefaultPageCacheMiB,
		"memory the page cache may hold, in MiB; 0 turns it off")
}

// envFlag registers a number flag kept as text (finishLimits parses and checks it) whose value
// defaults to the environment variable envName; its usage names the built-in default and the
// variable.
func envFlag(fs *flag.FlagSet, env func(string) string, p *string, name, envName string, def int, usage string) {
	*p = env(envName)
	fs.StringVar(p, name, *p, usage+" (default "+strconv.Itoa(def)+"; env "+envName+")")
}

// wholeNumber sets *p from a numeric flag's value as given (s; empty leaves *p as it was),
// or adds an error naming the flag.
func wholeNumber(s, flag string, p *int, errs *[]error) {
	if s == "" {
		return
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		*errs = append(*errs, fmt.Errorf("%s: %q is not a whole number", flag, s))
		return
	}
	*p = n
}

func finishLimits(c *Config, f *limitFlags) error {
	var errs []error
	num := func(s, flag string, p *int) { wholeNumber(s, flag, p, &errs) }
	num(f.conns, "--max-conns-per-ip", &c.Limits.ConnsPerIP)
	num(f.upload, "--max-import-mib", &c.Limits.ImportUploadMiB)
	num(f.media, "--max-upload-mib", &c.Limits.MediaUploadMiB)
	num(f.api, "--api-rate", &c.Limits.APIPerMinute)
	num(f.apiAnon, "--api-rate-anonymous", &c.Limits.APIAnonPerMinute)
	num(f.deliveries, "--federation-host-rate", &c.Limits.DeliveriesPerHostPerMinute)
	num(f.inFlight, "--federation-host-concurrency", &c.Limits.DeliveriesPerHostInFlight)
	num(f.deadAfter, "--federation-dead-after-days", &c.Limits.FederationDeadAfterDays)
	num(f.pageCache, "--page-cache-mib", &c.Limits.PageCacheMiB)
	return errors.Join(errs...)
}

func (l Limits) validate() []error {
	var errs []error
	if l.ConnsPerIP < 0 {
		errs = append(errs, fmt.Errorf("--max-conns-per-ip: %d must be 0 (no cap) or more", l.ConnsPerIP))
	}
	if l.ImportUploadMiB < 1 || l.ImportUploadMiB > 64<<10 {
		errs = append(errs, fmt.Errorf("--max-import-mib: %d must be between 1 and 65536 MiB", l.ImportUploadMiB))
	}
	if l.MediaUploadMiB < 1 || l.MediaUploadMiB > 64<<10 {
		errs = append(errs, fmt.Errorf("--max-upload-mib: %d must be between 1 and 65536 MiB", l.MediaUploadMiB))
	}
	if l.PageCacheMiB < 0 || l.PageCacheMiB > 64<<10 {
		errs = append(errs, fmt.Errorf("--page-cache-mib: %d must be between 0 (no page cache) and 65536 MiB", l.PageCacheMiB))
	}
	if l.DeliveriesPerHostInFlight < 1 || l.DeliveriesPerHostInFlight > 64 {
		errs = append(errs, fmt.Errorf("--federation-host-concurrency: %d must be between 1 and 64", l.DeliveriesPerHostInFlight))
	}
	if l.FederationDeadAfterDays < 1 || l.FederationDeadAfterDays > 365 {
		errs = append(errs, fmt.Errorf("--federation-dead-after-days: %d must be between 1 and 365", l.FederationDeadAfterDays))
	}
	for _, r := range []struct {
		flag string
		n    int
	}{{"--api-rate", l.APIPerMinute}, {"--api-rate-anonymous", l.APIAnonPerMinute}, {"--federation-host-rate", l.DeliveriesPerHostPerMinute}} {
		if r.n < 0 {
			errs = append(errs, fmt.Errorf("%s: %d must be 0 (no cap) or more", r.flag, r.n))
		}
	}
	return errs
}
