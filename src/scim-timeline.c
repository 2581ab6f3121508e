/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-timeline"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-columns.h"
#include "scim-timeline.h"

/* The sales book as a timeline: a line down the left linking the events,
 * each marked by its kind's icon in a dot, a header where the day changes,
 * unread events in bold.  A GtkListView over the lazy event list: only the
 * rows on screen exist, so a million events cost their ids and a screen. */

#define LINE_X 24
#define DOT_RADIUS 14

/* One row: draws its piece of the line and its dot, then its labels. */

#define SCIM_TYPE_TIMELINE_ROW (scim_timeline_row_get_type ())
G_DECLARE_FINAL_TYPE (ScimTimelineRow, scim_timeline_row, SCIM, TIMELINE_ROW, GtkWidget)

struct _ScimTimelineRow
{
  GtkWidget  parent_instance;

  GtkWidget *day_label;
  GtkWidget *icon;
  GtkWidget *title_label;
  GtkWidget *meta_label;
  GtkWidget *text_label;
  gboolean   first_of_day;
  gboolean   planned;
};

G_DEFINE_FINAL_TYPE (ScimTimelineRow, scim_timeline_row, GTK_TYPE_WIDGET)

static void
scim_timeline_row_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  ScimTimelineRow *self = SCIM_TIMELINE_ROW (widget);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  G_GNUC_END_IGNORE_DEPRECATIONS
  int height = gtk_widget_get_height (widget);
  graphene_point_t center;
  GskRoundedRect dot;
  GdkRGBA fg, line, fill;
  float dot_y = 0;

  /* Colours from the theme, so dark mode works. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (style, &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  line = fg;
  line.alpha = 0.25f;
  fill = fg;
  fill.alpha = self->planned ? 0.06f : 0.12f;

  if (gtk_widget_get_visible (self->icon))
    {
      graphene_rect_t bounds;

      if (gtk_widget_compute_bounds (self->icon, widget, &bounds))
        dot_y = bounds.origin.y + bounds.size.height / 2.0f;
    }

  gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (LINE_X - 1, 0, 2, height));
  center = GRAPHENE_POINT_INIT (LINE_X, dot_y);
  gsk_rounded_rect_init_from_rect (&dot, &GRAPHENE_RECT_INIT (LINE_X - DOT_RADIUS, dot_y - DOT_RADIUS,
                                                              2 * DOT_RADIUS, 2 * DOT_RADIUS), DOT_RADIUS);
  gtk_snapshot_push_rounded_clip (snapshot, &dot);
  gtk_snapshot_append_color (snapshot, &fill, &dot.bounds);
  gtk_snapshot_pop (snapshot);
  (void) center;

  GTK_WIDGET_CLASS (scim_timeline_row_parent_class)->snapshot (widget, snapshot);
}

static void
scim_timeline_row_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (scim_timeline_row_parent_class)->dispose (object);
}

static void
scim_timeline_row_class_init (ScimTimelineRowClass *klass)
{
  GTK_WIDGET_CLASS (klass)->snapshot = scim_timeline_row_snapshot;
  G_OBJECT_CLASS (klass)->dispose = scim_timeline_row_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "timelinerow");
}

static GtkWidget *
label (const char *style,
       int         lines)
{
  GtkWidget *l = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (l), 0);
  gtk_label_set_wrap (GTK_LABEL (l), lines > 1);
  gtk_label_set_ellipsize (GTK_LABEL (l), PANGO_ELLIPSIZE_END);
  if (lines > 1)
    gtk_label_set_lines (GTK_LABEL (l), lines);
  if (style != NULL)
    gtk_widget_add_css_class (l, style);
  return l;
}

static void
scim_timeline_row_init (ScimTimelineRow *self)
{
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  self->day_label = label ("heading", 1);
  gtk_widget_set_margin_start (self->day_label, 2 * LINE_X + 8);
  gtk_widget_set_margin_top (self->day_label, 12);
  gtk_widget_set_margin_bottom (self->day_label, 4);
  self->icon = gtk_image_new ();
  gtk_widget_set_size_request (self->icon, 2 * LINE_X, -1);
  gtk_widget_set_valign (self->icon, GTK_ALIGN_START);
  gtk_widget_set_margin_top (self->icon, 6);
  self->title_label = label (NULL, 1);
  self->meta_label = label ("dim-label", 1);
  gtk_widget_add_css_class (self->meta_label, "caption");
  self->text_label = label (NULL, 2);
  gtk_widget_set_hexpand (content, TRUE);
  gtk_widget_set_margin_top (content, 6);
  gtk_widget_set_margin_bottom (content, 6);
  gtk_widget_set_margin_end (content, 12);
  gtk_box_append (GTK_BOX (content), self->title_label);
  gtk_box_append (GTK_BOX (content), self->meta_label);
  gtk_box_append (GTK_BOX (content), self->text_label);
  gtk_box_append (GTK_BOX (row), self->icon);
  gtk_box_append (GTK_BOX (row), content);
  gtk_box_append (GTK_BOX (outer), self->day_label);
  gtk_box_append (GTK_BOX (outer), row);
  gtk_widget_set_parent (outer, GTK_WIDGET (self));
}

/**
 * scim_timeline_kind_icon:
 * @kind: a sales-book event kind
 *
 * Returns: the symbolic icon of the kind
 */
const char *
scim_timeline_kind_icon (const char *kind)
{
  static const struct { const char *kind; const char *icon; } icons[] = {
    { "call", "call-start-symbolic" },
    { "meeting", "x-office-calendar-symbolic" },
    { "email", "mail-unread-symbolic" },
    { "proposal", "document-send-symbolic" },
    { "contract", "emblem-documents-symbolic" },
    { "payment", "emblem-ok-symbolic" },
    { "note", "document-edit-symbolic" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (icons); i++)
    if (g_strcmp0 (kind, icons[i].kind) == 0)
      return icons[i].icon;
  return "view-more-symbolic";
}

static char *
day_of (gint64 unix_time)
{
  char *day = scim_format_time (unix_time, "%Y-%m-%d");

  return day != NULL ? day : g_strdup ("");
}

static char *
day_title (gint64 unix_time)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);
  g_autofree char *day = g_date_time_format (local, "%Y-%m-%d");
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autoptr(GDateTime) yesterday_dt = g_date_time_add_days (now, -1);
  g_autoptr(GDateTime) tomorrow_dt = g_date_time_add_days (now, 1);
  g_autofree char *yesterday = g_date_time_format (yesterday_dt, "%Y-%m-%d");
  g_autofree char *tomorrow = g_date_time_format (tomorrow_dt, "%Y-%m-%d");

  if (g_str_equal (day, today))
    return g_strdup (_("Today"));
  if (g_str_equal (day, yesterday))
    return g_strdup (_("Yesterday"));
  if (g_str_equal (day, tomorrow))
    return g_strdup (_("Tomorrow"));
  /* Translators: a day header in the sales book; see strftime(3). Russian: %A, %-d %B %Y */
  return g_date_time_format (local, _("%A, %B %-d, %Y"));
}

static void
update_row (ScimTimelineRow *self,
            ScimRecord      *event,
            ScimRecord      *previous)
{
  g_autofree char *time = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *day = NULL;
  g_autofree char *previous_day = NULL;
  gint64 at;
  gboolean unread;

  if (!scim_record_get_loaded (event))
    {
      gtk_label_set_label (GTK_LABEL (self->title_label), "…");
      gtk_label_set_label (GTK_LABEL (self->meta_label), "");
      gtk_label_set_label (GTK_LABEL (self->text_label), "");
      gtk_widget_set_visible (self->day_label, FALSE);
      gtk_widget_set_visible (self->icon, FALSE);
      return;
    }

  at = scim_record_get_int (event, "at");
  time = scim_format_time (at, "%H:%M");
  meta = g_strdup_printf ("%s · %s · %s · %s · %s", time,
                          scim_format_event_kind (scim_record_get_string (event, "kind")),
                          scim_record_get_string (event, "author"), scim_record_get_string (event, "client"),
                          scim_record_get_string (event, "product"));
  self->planned = scim_record_get_bool (event, "planned");
  gtk_image_set_from_icon_name (GTK_IMAGE (self->icon), scim_timeline_kind_icon (scim_record_get_string (event, "kind")));
  gtk_widget_set_visible (self->icon, TRUE);
  gtk_label_set_label (GTK_LABEL (self->title_label), scim_record_get_string (event, "title"));
  gtk_label_set_label (GTK_LABEL (self->meta_label), meta);
  gtk_label_set_label (GTK_LABEL (self->text_label), scim_record_get_string (event, "text"));
  gtk_widget_set_visible (self->text_label, scim_record_get_string (event, "text")[0] != '\0');

  unread = g_object_class_find_property (G_OBJECT_GET_CLASS (event), "unread") != NULL &&
           scim_record_get_bool (event, "unread");
  if (unread)
    gtk_widget_add_css_class (self->title_label, "heading");
  else
    gtk_widget_remove_css_class (self->title_label, "heading");

  /* A header where the day changes from the row above. */
  day = day_of (at);
  if (previous != NULL && scim_record_get_loaded (previous))
    previous_day = day_of (scim_record_get_int (previous, "at"));
  self->first_of_day = previous == NULL || g_strcmp0 (day, previous_day) != 0;
  if (self->first_of_day)
    {
      g_autofree char *title = day_title (at);
      gtk_label_set_label (GTK_LABEL (self->day_label), title);
    }
  gtk_widget_set_visible (self->day_label, self->first_of_day);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The timeline */

struct _ScimTimeline
{
  GtkWidget    parent_instance;

  GtkListView *view;
  GListModel  *model;
  GHashTable  *bound;     /* GtkListItem on screen */
};

enum {
  ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ScimTimeline, scim_timeline, GTK_TYPE_WIDGET)

static void
rebind (GtkListItem *item)
{
  ScimTimelineRow *row = SCIM_TIMELINE_ROW (gtk_list_item_get_child (item));
  ScimTimeline *self = g_object_get_data (G_OBJECT (item), "scim-timeline");
  ScimRecord *event = gtk_list_item_get_item (item);
  guint position = gtk_list_item_get_position (item);
  g_autoptr(ScimRecord) previous = NULL;

  if (event == NULL || self->model == NULL)
    return;
  if (position > 0 && position != GTK_INVALID_LIST_POSITION)
    previous = g_list_model_get_item (self->model, position - 1);
  update_row (row, event, previous);
}

static void
on_item_loaded_cb (ScimRecord  *event,
                   GParamSpec  *pspec,
                   GtkListItem *item)
{
  ScimTimeline *self = g_object_get_data (G_OBJECT (item), "scim-timeline");
  GHashTableIter iter;
  gpointer key;

  /* A row's day header depends on the row above, which may load later:
   * look again at every row on screen (a screenful, not the list). */
  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    rebind (key);
}

static void
on_setup_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             ScimTimeline             *self)
{
  gtk_list_item_set_child (item, g_object_new (SCIM_TYPE_TIMELINE_ROW, NULL));
  g_object_set_data (G_OBJECT (item), "scim-timeline", self);
}

static void
on_bind_cb (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            ScimTimeline             *self)
{
  ScimRecord *event = gtk_list_item_get_item (item);
  gulong handler = g_signal_connect (event, "notify::loaded", G_CALLBACK (on_item_loaded_cb), item);

  g_object_set_data (G_OBJECT (item), "scim-handler", GSIZE_TO_POINTER (handler));
  g_hash_table_add (self->bound, item);
  rebind (item);
}

static void
on_unbind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              ScimTimeline             *self)
{
  ScimRecord *event = gtk_list_item_get_item (item);
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (item), "scim-handler"));

  if (event != NULL && handler != 0)
    g_signal_handler_disconnect (event, handler);
  g_object_set_data (G_OBJECT (item), "scim-handler", NULL);
  g_hash_table_remove (self->bound, item);
}

static void
on_activate_cb (GtkListView  *view,
                guint         position,
                ScimTimeline *self)
{
  g_autoptr(ScimRecord) event = NULL;

  if (self->model == NULL)
    return;
  event = g_list_model_get_item (self->model, position);
  if (event != NULL)
    g_signal_emit (self, signals[ACTIVATED], 0, event);
}

static void
scim_timeline_dispose (GObject *object)
{
  ScimTimeline *self = SCIM_TIMELINE (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->model);
  g_clear_pointer (&self->bound, g_hash_table_unref);

  G_OBJECT_CLASS (scim_timeline_parent_class)->dispose (object);
}

static void
scim_timeline_class_init (ScimTimelineClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = scim_timeline_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);

  /**
   * ScimTimeline::activated:
   * @event: the event a person opened
   */
  signals[ACTIVATED] = g_signal_new ("activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                     NULL, G_TYPE_NONE, 1, SCIM_TYPE_RECORD);
}

static void
scim_timeline_init (ScimTimeline *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->bound = g_hash_table_new (NULL, NULL);
  g_signal_connect (factory, "setup", G_CALLBACK (on_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_unbind_cb), self);
  self->view = GTK_LIST_VIEW (gtk_list_view_new (NULL, factory));
  scim_view_rows_follow_map (GTK_WIDGET (self->view));
  gtk_list_view_set_single_click_activate (self->view, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->view), "timeline");
  g_signal_connect (self->view, "activate", G_CALLBACK (on_activate_cb), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sales Book"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->view));
  gtk_widget_set_parent (scroller, GTK_WIDGET (self));
}

GtkWidget *
scim_timeline_new (void)
{
  return g_object_new (SCIM_TYPE_TIMELINE, NULL);
}

/**
 * scim_timeline_set_model:
 * @self: a #ScimTimeline
 * @model: (nullable) (element-type ScimEvent): the events, newest first
 */
void
scim_timeline_set_model (ScimTimeline *self,
                         GListModel   *model)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  g_return_if_fail (SCIM_IS_TIMELINE (self));

  g_set_object (&self->model, model);
  if (model != NULL)
    selection = gtk_no_selection_new (g_object_ref (model));
  scim_view_set_model (GTK_WIDGET (self->view), GTK_SELECTION_MODEL (selection));
}

/**
 * scim_timeline_get_model:
 * @self: a #ScimTimeline
 *
 * Returns: (transfer none) (nullable): the events
 */
GListModel *
scim_timeline_get_model (ScimTimeline *self)
{
  g_return_val_if_fail (SCIM_IS_TIMELINE (self), NULL);
  return self->model;
}

/* Opens an event as a double-click does; for tests. */
void
scim_timeline_activate (ScimTimeline *self,
                        guint         position)
{
  g_return_if_fail (SCIM_IS_TIMELINE (self));
  g_signal_emit_by_name (self->view, "activate", position);
}
