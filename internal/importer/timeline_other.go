//go:build !unix

package importer

import "time"

// processCPU is not measured here: the timeline shows wall times only.
func processCPU() time.Duration { return 0 }
