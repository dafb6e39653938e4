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
}

// Default limits. 256 connections leave room for a whole office or a mobile carrier's
// shared address (browsers open up to six each) while bounding what one address can hold
// (a slow upload costs the server tens of KiB). 1 GiB is a very large site's export.
const (
	DefaultConnsPerIP      = 256
	DefaultImportUploadMiB = 1024
	DefaultMediaUploadMiB  = 64
)

type limitFlags struct{ conns, upload, media string }

func registerLimits(fs *flag.FlagSet, env func(string) string, f *limitFlags) {
	f.conns = env("BROADSIDE_MAX_CONNS_PER_IP")
	fs.StringVar(&f.conns, "max-conns-per-ip", f.conns, "concurrent connections one client address may hold; 0 for no cap (default "+
		strconv.Itoa(DefaultConnsPerIP)+"; env BROADSIDE_MAX_CONNS_PER_IP)")
	f.upload = env("BROADSIDE_MAX_IMPORT_MIB")
	fs.StringVar(&f.upload, "max-import-mib", f.upload, "largest WordPress export the admin accepts as an upload, in MiB (default "+
		strconv.Itoa(DefaultImportUploadMiB)+"; env BROADSIDE_MAX_IMPORT_MIB)")
	f.media = env("BROADSIDE_MAX_UPLOAD_MIB")
	fs.StringVar(&f.media, "max-upload-mib", f.media, "largest file the media library accepts, in MiB (default "+
		strconv.Itoa(DefaultMediaUploadMiB)+"; env BROADSIDE_MAX_UPLOAD_MIB)")
}

func finishLimits(c *Config, f *limitFlags) error {
	var errs []error
	num := func(s, flag string, p *int) {
		if s == "" {
			return
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not a whole number", flag, s))
			return
		}
		*p = n
	}
	num(f.conns, "--max-conns-per-ip", &c.Limits.ConnsPerIP)
	num(f.upload, "--max-import-mib", &c.Limits.ImportUploadMiB)
	num(f.media, "--max-upload-mib", &c.Limits.MediaUploadMiB)
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
	return errs
}
