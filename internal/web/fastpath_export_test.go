package web

// FastConnStates counts the fast path's connections by state, for tests that wait for one
// to be read or idle before they go on (web_test cannot see them).
func FastConnStates(s *FastServer) (fresh, active, idle int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for fc := range s.conns {
		switch fc.state.Load() {
		case connNew:
			fresh++
		case connActive:
			active++
		case connIdle:
			idle++
		}
	}
	return fresh, active, idle
}
