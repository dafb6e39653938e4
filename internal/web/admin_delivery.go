package web

import (
	"net/http"
	"strconv"

	"github.com/broadside/broadside"
)

// GET /admin/posts/{id}/delivery
// Where the post went in the fediverse: its deliveries per state, and per remote host the
// delivered, waiting, failing (with the last error and the next try) and failed ones.
// Administrators only (the federation service's rule).
func (s *Server) handlePostDelivery(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	p, err := s.loadEditable(r, u)
	if err != nil {
		return err
	}
	if s.Federation == nil {
		return broadside.Errorf(broadside.ENOTFOUND, "Federation is not available on this site.")
	}
	ctx := r.Context()
	pd, err := s.Federation.PostDelivery(ctx, p.ID, u)
	if err != nil {
		return err
	}
	v, ap := s.adminView(w, r, string(p.Type)+"s", "Fediverse delivery")
	st := v.Site
	d := &deliveryData{adminPage: ap, Title: p.Title, EditURL: "/admin/posts/" + strconv.FormatInt(p.ID, 10), PostDelivery: pd}
	if d.Title == "" {
		d.Title = "(no title)"
	}
	for _, h := range pd.Hosts {
		row := deliveryRow{DeliveryHost: h}
		if !h.NextAt.IsZero() && h.Failing > 0 {
			row.Next = formatDateTime(st.Local(h.NextAt))
		}
		if !h.DeadAt.IsZero() {
			row.Dead = formatDateTime(st.Local(h.DeadAt))
		}
		d.Rows = append(d.Rows, row)
	}
	v.Data = d
	s.page(w, r, http.StatusOK, "admin/post_delivery", v)
	return nil
}

// deliveryData is templates/admin/post_delivery.html.
type deliveryData struct {
	adminPage
	Title, EditURL string
	*broadside.PostDelivery
	Rows []deliveryRow
}

type deliveryRow struct {
	broadside.DeliveryHost
	Next, Dead string
}
