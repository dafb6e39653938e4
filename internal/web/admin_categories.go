package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
)

// categoryRow is one category in the list, indented under its parent.
type categoryRow struct {
	broadside.Category
	Prefix    string
	Depth     int
	IsDefault bool
	EditURL   string
	ViewURL   string
}

// categoryForm is the add and edit form.
type categoryForm struct {
	ID                      int64
	Name, Slug, Description string
	ParentID                int64
	Parents                 []option
	IsDefault               bool
}

// categoriesData is the categories screen.
type categoriesData struct {
	adminPage
	Rows []categoryRow
	Form categoryForm
}

// GET /admin/categories
func (s *Server) handleCategoryList(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanModerate() {
		return errForbidden(msgNeedModerate)
	}
	return s.renderCategories(w, r, http.StatusOK, &categoriesData{})
}

func (s *Server) renderCategories(w http.ResponseWriter, r *http.Request, status int, d *categoriesData) error {
	ctx := r.Context()
	cats, err := s.Posts.Categories(ctx)
	if err != nil {
		return err
	}
	v, ap := s.adminView(w, r, "categories", "Categories")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	v.Site.categories(ctx, s)
	order, depth := treeOrder(len(cats), func(i int) int64 { return cats[i].ID }, func(i int) int64 { return cats[i].ParentID })
	for k, i := range order {
		c := cats[i]
		d.Rows = append(d.Rows, categoryRow{Category: c, Depth: depth[k], Prefix: strings.Repeat("— ", depth[k]),
			IsDefault: c.Slug == broadside.DefaultCategorySlug, EditURL: "/admin/categories/" + strconv.FormatInt(c.ID, 10),
			ViewURL: v.Site.CategoryPath(c)})
	}
	d.Form.Parents = s.parentCategoryOptions(r, d.Form.ID, d.Form.ParentID)
	v.Data = d
	s.page(w, r, status, "admin/categories", v)
	return nil
}

func (s *Server) parentCategoryOptions(r *http.Request, self, chosen int64) []option {
	opts := s.categoryOptions(r.Context(), []int64{chosen}, self)
	return append([]option{{Value: "0", Label: "(none)", Selected: chosen == 0}}, opts...)
}

// readCategoryForm reads the add/edit form.
func readCategoryForm(r *http.Request) (categoryForm, error) {
	if err := r.ParseForm(); err != nil {
		return categoryForm{}, broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	f := r.PostForm
	cf := categoryForm{Name: f.Get("name"), Slug: strings.TrimSpace(f.Get("slug")), Description: f.Get("description")}
	cf.ParentID, _ = strconv.ParseInt(f.Get("parent"), 10, 64)
	return cf, nil
}

// POST /admin/categories
func (s *Server) handleCategoryCreate(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanModerate() {
		return errForbidden(msgNeedModerate)
	}
	cf, err := readCategoryForm(r)
	if err != nil {
		return err
	}
	c := &broadside.Category{Name: cf.Name, Slug: cf.Slug, Description: cf.Description, ParentID: cf.ParentID}
	if err := s.Posts.SaveCategory(r.Context(), c, u); err != nil {
		if statusOf(err) >= 500 {
			return err
		}
		d := &categoriesData{Form: cf}
		d.formErr(err)
		return s.renderCategories(w, r, statusOf(err), d)
	}
	s.flash(w, r, "Category “"+c.Name+"” added.")
	redirect(w, r, "/admin/categories")
	return nil
}

// categoryData is the edit page of one category.
type categoryData struct {
	adminPage
	Form      categoryForm
	PostCount int
	DeleteURL string
}

func (s *Server) loadCategory(r *http.Request, u *broadside.User) (*broadside.Category, error) {
	return loadForModerator(r, u, s.Posts.Category)
}

// GET /admin/categories/{id}
func (s *Server) handleCategoryEdit(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	c, err := s.loadCategory(r, u)
	if err != nil {
		return err
	}
	cf := categoryForm{ID: c.ID, Name: c.Name, Slug: c.Slug, Description: c.Description, ParentID: c.ParentID}
	s.renderCategory(w, r, c, http.StatusOK, &categoryData{Form: cf})
	return nil
}

func (s *Server) renderCategory(w http.ResponseWriter, r *http.Request, c *broadside.Category, status int, d *categoryData) {
	v, ap := s.adminView(w, r, "categories", "Edit category")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	d.Form.ID = c.ID
	d.Form.IsDefault = c.Slug == broadside.DefaultCategorySlug
	d.Form.Parents = s.parentCategoryOptions(r, c.ID, d.Form.ParentID)
	d.PostCount = c.PostCount
	d.DeleteURL = "/admin/categories/" + strconv.FormatInt(c.ID, 10) + "/delete"
	v.Data = d
	s.page(w, r, status, "admin/category", v)
}

// POST /admin/categories/{id}
func (s *Server) handleCategoryUpdate(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	old, err := s.loadCategory(r, u)
	if err != nil {
		return err
	}
	cf, err := readCategoryForm(r)
	if err != nil {
		return err
	}
	c := &broadside.Category{ID: old.ID, Name: cf.Name, Slug: cf.Slug, Description: cf.Description, ParentID: cf.ParentID}
	if err := s.Posts.SaveCategory(r.Context(), c, u); err != nil {
		if statusOf(err) >= 500 || statusOf(err) == http.StatusNotFound {
			return err
		}
		d := &categoryData{Form: cf}
		d.formErr(err)
		s.renderCategory(w, r, old, statusOf(err), d)
		return nil
	}
	s.flash(w, r, "Category “"+c.Name+"” updated.")
	redirect(w, r, "/admin/categories")
	return nil
}

// POST /admin/categories/{id}/delete
func (s *Server) handleCategoryDelete(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	c, err := s.loadCategory(r, u)
	if err != nil {
		return err
	}
	if err := s.Posts.DeleteCategory(r.Context(), c.ID, u); err != nil {
		if statusOf(err) >= 500 {
			return err
		}
		s.flash(w, r, broadside.ErrorMessage(err))
		redirect(w, r, "/admin/categories")
		return nil
	}
	s.flash(w, r, "Category “"+c.Name+"” deleted. Its posts and subcategories were kept.")
	redirect(w, r, "/admin/categories")
	return nil
}
