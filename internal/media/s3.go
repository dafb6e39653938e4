package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// ErrUnavailable marks a storage that could not be reached (network down, server gone,
// server error): the upload may succeed later, so callers answer 503, not 500.
var ErrUnavailable = errors.New("media storage unreachable")

// S3Config is where an S3-compatible bucket is and how to sign in to it.
type S3Config struct {
	// Endpoint is host[:port] of the S3 API (no scheme): s3.amazonaws.com,
	// nyc3.digitaloceanspaces.com, 127.0.0.1:8333.
	Endpoint string
	Bucket   string
	Region   string
	// Prefix is put before every key ("site-a/"), so one bucket can serve several sites.
	Prefix string
	// Insecure speaks plain HTTP (a server on the same machine or private network).
	Insecure bool
	// AccessKey and SecretKey sign requests; both empty means anonymous requests.
	AccessKey, SecretKey string
}

// S3 is the Storage for several nodes: every node reads and writes the same bucket.
//
// Decision: github.com/minio/minio-go/v7 is the client. Signing (SigV4), multipart uploads
// that are aborted on failure (so nothing half-written becomes visible), ranged GETs behind a
// seekable reader, and the error responses of S3 and its many imitations (MinIO, SeaweedFS,
// R2, Spaces, B2) are a lot of protocol to own; minio-go is pure Go, well kept, and much
// smaller than the AWS SDK.
type S3 struct {
	client         *minio.Client
	bucket, prefix string
	endpoint       string
	secrets        []string // scrubbed from every error message
}

// s3PartSize bounds the memory one upload of unknown length takes (minio-go buffers a part);
// files up to it go up in one PUT.
const s3PartSize = 16 << 20

// NewS3 builds the storage; it does not contact the server (Check does).
func NewS3(cfg S3Config) (*S3, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("media: S3 storage needs an endpoint and a bucket")
	}
	var creds *credentials.Credentials
	if cfg.AccessKey != "" || cfg.SecretKey != "" {
		creds = credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, "")
	} else {
		creds = credentials.New(&credentials.Static{Value: credentials.Value{SignerType: credentials.SignatureAnonymous}})
	}
	c, err := minio.New(cfg.Endpoint, &minio.Options{Creds: creds, Secure: !cfg.Insecure, Region: cfg.Region,
		// Path-style requests work on every S3 imitation; virtual hosts need DNS for each bucket.
		BucketLookup: minio.BucketLookupPath})
	if err != nil {
		return nil, fmt.Errorf("media: S3 endpoint %q: %v", cfg.Endpoint, err)
	}
	s := &S3{client: c, bucket: cfg.Bucket, endpoint: cfg.Endpoint}
	if p := strings.Trim(cfg.Prefix, "/"); p != "" {
		s.prefix = p + "/"
	}
	for _, v := range []string{cfg.AccessKey, cfg.SecretKey} {
		if len(v) >= 4 {
			s.secrets = append(s.secrets, v)
		}
	}
	return s, nil
}

// Check makes sure the bucket exists and answers, so a wrong endpoint, bucket or key stops
// the server at start with what to fix instead of failing every upload.
func (s *S3) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		var resp minio.ErrorResponse
		if errors.As(err, &resp) && (resp.StatusCode == http.StatusForbidden || resp.Code == "AccessDenied" ||
			resp.Code == "InvalidAccessKeyId" || resp.Code == "SignatureDoesNotMatch") {
			return s.scrub(fmt.Errorf("the S3 server at %s refused access to bucket %q (%s): check the access key and secret (BROADSIDE_S3_ACCESS_KEY / --media-s3-access-key-file, BROADSIDE_S3_SECRET_KEY / --media-s3-secret-key-file) and that they may read and write the bucket",
				s.endpoint, s.bucket, resp.Code))
		}
		return s.scrub(fmt.Errorf("the S3 server at %s cannot be reached: %v (check --media-s3-endpoint is host:port of a running server, and use --media-s3-insecure when it speaks plain http)", s.endpoint, err))
	}
	if !ok {
		return fmt.Errorf("the S3 bucket %q does not exist on %s: create it (for example `aws s3 mb s3://%s` or your provider's console) or correct --media-s3-bucket",
			s.bucket, s.endpoint, s.bucket)
	}
	return nil
}

func (s *S3) object(key string) string { return s.prefix + key }

// Put uploads r. S3 makes an object visible only when its upload completes, and minio-go
// aborts a multipart upload that fails, so a broken stream leaves nothing. The key is checked
// first and the PUT carries If-None-Match: * (honoured by AWS and most servers), so an
// existing object is never replaced.
func (s *S3) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	if !validKey(key) {
		return 0, fmt.Errorf("media: invalid storage key %q", key)
	}
	if _, err := s.client.StatObject(ctx, s.bucket, s.object(key), minio.StatObjectOptions{}); err == nil {
		return 0, fs.ErrExist
	} else if !isNotFound(err) {
		return 0, s.classify("check "+key, err)
	}
	src := &trackReader{r: ctxReader{ctx, r}}
	opts := minio.PutObjectOptions{PartSize: s3PartSize, ContentType: "application/octet-stream"}
	opts.SetMatchETagExcept("*")
	// A file that fits one part goes up in one PUT of known length (fewer round trips, and
	// If-None-Match is honoured on a plain PUT by more servers than on a multipart one);
	// a larger one streams as a multipart upload, a part in memory at a time.
	var head bytes.Buffer
	_, rerr := io.CopyN(&head, src, s3PartSize)
	var info minio.UploadInfo
	var err error
	switch {
	case errors.Is(rerr, io.EOF):
		info, err = s.client.PutObject(ctx, s.bucket, s.object(key), bytes.NewReader(head.Bytes()), int64(head.Len()), opts)
	case rerr == nil:
		info, err = s.client.PutObject(ctx, s.bucket, s.object(key), io.MultiReader(&head, src), -1, opts)
	default:
		err = rerr
	}
	if src.err != nil {
		// The source failed (a refused file, a broken upload): its error, not the client's.
		return src.n, src.err
	}
	if err != nil {
		var resp minio.ErrorResponse
		if errors.As(err, &resp) && (resp.StatusCode == http.StatusPreconditionFailed || resp.Code == "PreconditionFailed") {
			return 0, fs.ErrExist
		}
		return src.n, s.classify("store "+key, err)
	}
	return info.Size, nil
}

// Open returns the object; its reads and seeks become ranged GETs.
func (s *S3) Open(ctx context.Context, key string) (Object, error) {
	if !validKey(key) {
		return nil, fs.ErrNotExist
	}
	obj, err := s.client.GetObject(ctx, s.bucket, s.object(key), minio.GetObjectOptions{})
	if err != nil {
		return nil, s.classify("open "+key, err)
	}
	info, err := obj.Stat()
	if err != nil {
		obj.Close()
		if isNotFound(err) {
			return nil, fs.ErrNotExist
		}
		return nil, s.classify("open "+key, err)
	}
	return s3Object{obj, info}, nil
}

// Delete removes the object; S3 answers a missing one with success too.
func (s *S3) Delete(ctx context.Context, key string) error {
	if !validKey(key) {
		return fmt.Errorf("media: invalid storage key %q", key)
	}
	if err := s.client.RemoveObject(ctx, s.bucket, s.object(key), minio.RemoveObjectOptions{}); err != nil && !isNotFound(err) {
		return s.classify("delete "+key, err)
	}
	return nil
}

type s3Object struct {
	*minio.Object
	info minio.ObjectInfo
}

func (o s3Object) Size() int64        { return o.info.Size }
func (o s3Object) ModTime() time.Time { return o.info.LastModified }

func isNotFound(err error) bool {
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		return resp.StatusCode == http.StatusNotFound || resp.Code == "NoSuchKey" || resp.Code == "NotFound"
	}
	return false
}

// classify wraps err with what was being done; a network failure or a server error is
// ErrUnavailable, so the upload is answered with 503 and "try again".
func (s *S3) classify(what string, err error) error {
	if errors.Is(err, context.Canceled) {
		return err // the client went away; nothing to report about the storage
	}
	unavailable := false
	var resp minio.ErrorResponse
	var nerr net.Error
	var uerr *url.Error
	switch {
	case errors.As(err, &resp):
		unavailable = resp.StatusCode >= 500 || resp.StatusCode == 0 && resp.Code == ""
	case errors.As(err, &nerr), errors.As(err, &uerr), errors.Is(err, context.DeadlineExceeded):
		unavailable = true
	}
	if unavailable {
		return s.scrub(fmt.Errorf("media: S3 %s at %s: %w: %w", what, s.endpoint, ErrUnavailable, err))
	}
	return s.scrub(fmt.Errorf("media: S3 %s at %s: %w", what, s.endpoint, err))
}

// scrub keeps the credentials out of an error's message (servers echo request details).
func (s *S3) scrub(err error) error {
	msg := err.Error()
	clean := msg
	for _, v := range s.secrets {
		clean = strings.ReplaceAll(clean, v, "[redacted]")
	}
	if clean == msg {
		return err
	}
	return scrubbed{msg: clean, err: err}
}

type scrubbed struct {
	msg string
	err error
}

func (e scrubbed) Error() string { return e.msg }
func (e scrubbed) Unwrap() error { return e.err }

// trackReader remembers the source's own failure, which the client may wrap or replace.
type trackReader struct {
	r   io.Reader
	n   int64
	err error
}

func (t *trackReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.n += int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		t.err = err
	}
	return n, err
}
