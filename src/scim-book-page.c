/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-book-page"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-book-page.h"
#include "scim-wrap-layout.h"
#include "scim-choices.h"
#include "scim-event-dialog.h"
#include "scim-events.h"
#include "scim-timeline.h"

/* The Sales book module: key events of all sales the user may see, newest
 * first and grouped by day, with planned events standing apart as "coming
 * up".  Filters go into the SQL of the lazy lists; what colleagues wrote
 * since I last looked is bold until I mark it read. */

struct _ScimBookPage
{
  GtkWidget        parent_instance;

  GtkSearchEntry  *search_entry;
  GtkDropDown     *kind_dropdown;
  GtkDropDown     *period_dropdown;
  GtkDropDown     *author_dropdown;
  GtkDropDown     *product_dropdown;
  GtkToggleButton *mine_button;
  GtkToggleButton *unread_button;
  GtkLabel        *count_label;
  GtkRevealer     *coming_revealer;
  GtkLabel        *coming_label;
  ScimTimeline    *coming;
  ScimTimeline    *timeline;

  ScimStore       *store;
  ScimRecordList  *past;
  ScimRecordList  *planned;
};

G_DEFINE_FINAL_TYPE (ScimBookPage, scim_book_page, GTK_TYPE_WIDGET)

static const char * const kind_ids[] = { "", "call", "meeting", "email", "proposal", "contract", "payment", "note",
                                         "other" };

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static ScimQuery *
build_query (ScimBookPage *self,
             gboolean      planned)
{
  ScimQuery *query = scim_query_new (SCIM_LIST_EVENTS);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint kind = gtk_drop_down_get_selected (self->kind_dropdown);
  guint period = gtk_drop_down_get_selected (self->period_dropdown);
  gint64 now = now_seconds ();
  static const gint64 spans[] = { 0, 1, 7, 31, 92, 366 };

  if (text != NULL && text[0] != '\0')
    query->search = g_strdup (text);
  if (kind > 0 && kind < G_N_ELEMENTS (kind_ids))
    query->event_kind = g_strdup (kind_ids[kind]);
  query->owner_id = scim_choices_get_id (self->author_dropdown);
  query->product_id = scim_choices_get_id (self->product_dropdown);
  if (self->store != NULL && gtk_toggle_button_get_active (self->mine_button))
    query->owner_id = scim_store_get_user_id (self->store);
  query->only_unread = gtk_toggle_button_get_active (self->unread_button);
  if (planned)
    query->since = now + 1;
  else
    {
      query->until = now;
      if (period > 0 && period < G_N_ELEMENTS (spans))
        query->since = now - spans[period] * 24 * 3600;
    }
  return query;
}

static void
update_count (ScimBookPage *self)
{
  guint past = scim_record_list_count (self->past);
  guint planned = scim_record_list_count (self->planned);
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u event", "%'u events", past), past);
  g_autofree char *coming = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Coming up: %'u planned event",
                                                          "Coming up: %'u planned events", planned), planned);

  gtk_label_set_label (self->count_label, text);
  gtk_label_set_label (self->coming_label, coming);
  gtk_revealer_set_reveal_child (self->coming_revealer, planned > 0);
}

static void
refilter (ScimBookPage *self)
{
  g_autoptr(ScimQuery) past = NULL;
  g_autoptr(ScimQuery) planned = NULL;

  if (self->past == NULL)
    return;
  past = build_query (self, FALSE);
  planned = build_query (self, TRUE);
  scim_record_list_set_query (self->past, past);
  scim_record_list_set_query (self->planned, planned);
}

static void
on_filter_changed_cb (GObject      *object,
                      GParamSpec   *pspec,
                      ScimBookPage *self)
{
  refilter (self);
}

static void
on_search_changed_cb (GtkSearchEntry *entry,
                      ScimBookPage   *self)
{
  refilter (self);
}

static void
on_toggled_cb (GtkToggleButton *button,
               ScimBookPage    *self)
{
  refilter (self);
}

static void
on_loaded_cb (ScimRecordList *list,
              ScimBookPage   *self)
{
  update_count (self);
}

static void
on_event_saved_cb (ScimEditDialog *dialog,
                   ScimBookPage   *self)
{
  refilter (self);
}

/**
 * scim_book_page_add_event:
 * @self: a #ScimBookPage
 *
 * Returns: (transfer none): the new-event dialog
 */
GtkWidget *
scim_book_page_add_event (ScimBookPage *self)
{
  ScimEventDialog *dialog;

  g_return_val_if_fail (SCIM_IS_BOOK_PAGE (self), NULL);
  dialog = scim_event_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->store, 0, NULL,
                                  !scim_store_is_read_only (self->store));
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_event_saved_cb), self, G_CONNECT_DEFAULT);
  return GTK_WIDGET (dialog);
}

static void
add_event_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ScimBookPage *self = SCIM_BOOK_PAGE (widget);

  if (self->store != NULL)
    scim_book_page_add_event (self);
}

static gpointer
mark_read_thread (ScimStore     *store,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  GArray *ids = data;

  return scim_store_mark_events_read (store, ids != NULL ? (const gint64 *) (gpointer) ids->data : NULL,
                                      ids != NULL ? ids->len : 0, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
on_marked_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ScimBookPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (scim_store_run_finish (SCIM_STORE (source), result, &error) == NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-error", "s", error->message);
  else
    refilter (self);
}

static void
mark_all_read_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ScimBookPage *self = SCIM_BOOK_PAGE (widget);

  if (self->store != NULL)
    scim_store_run_async (self->store, mark_read_thread, NULL, NULL, NULL, on_marked_cb, g_object_ref (self));
}

static gpointer
restore_thread (ScimStore     *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  return scim_store_restore_event (store, data, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
on_undo_delete_cb (AdwToast     *toast,
                   ScimBookPage *self)
{
  GVariant *row = g_object_get_data (G_OBJECT (toast), "scim-row");

  scim_store_run_async (self->store, restore_thread, g_variant_ref (row), (GDestroyNotify) g_variant_unref, NULL,
                        on_marked_cb, g_object_ref (self));
}

static void
on_event_deleted_cb (ScimEventDialog *dialog,
                     GVariant        *row,
                     ScimBookPage    *self)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast = adw_toast_new (_("Event deleted"));

  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "scim-row", g_variant_ref (row), (GDestroyNotify) g_variant_unref);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_delete_cb), self, G_CONNECT_DEFAULT);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
  refilter (self);
}

static void
on_event_activated_cb (ScimTimeline *timeline,
                       ScimRecord   *event,
                       ScimBookPage *self)
{
  GtkWindow *parent = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 id = scim_record_get_id (event);
  ScimRole role = scim_store_get_user_role (self->store);
  gboolean editable;
  ScimEventDialog *dialog;

  if (!scim_record_get_loaded (event))
    return;
  /* Opening an event reads it. */
  g_array_append_val (ids, id);
  scim_store_run_async (self->store, mark_read_thread, g_steal_pointer (&ids), (GDestroyNotify) g_array_unref, NULL,
                        on_marked_cb, g_object_ref (self));

  editable = !scim_store_is_read_only (self->store) &&
             (role >= SCIM_ROLE_HEAD || scim_record_get_int (event, "author-id") == scim_store_get_user_id (self->store));
  dialog = scim_event_dialog_new (parent, self->store, 0, event, editable);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_event_saved_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (dialog, "deleted", G_CALLBACK (on_event_deleted_cb), self, G_CONNECT_DEFAULT);
}

typedef struct
{
  GListModel *users;
  GListModel *products;
} Lists;

static void
lists_free (gpointer data)
{
  Lists *lists = data;

  g_clear_object (&lists->users);
  g_clear_object (&lists->products);
  g_free (lists);
}

static gpointer
lists_thread (ScimStore     *store,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(ScimQuery) users = scim_query_new (SCIM_LIST_USERS);
  g_autoptr(ScimQuery) products = scim_query_new (SCIM_LIST_PRODUCTS);
  Lists *lists = g_new0 (Lists, 1);

  if ((lists->users = scim_store_list (store, users, error)) == NULL ||
      (lists->products = scim_store_list (store, products, error)) == NULL)
    {
      lists_free (lists);
      return NULL;
    }
  return lists;
}

static void
on_lists_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ScimBookPage) self = user_data;
  Lists *lists = scim_store_run_finish (SCIM_STORE (source), result, NULL);

  if (lists == NULL)
    return;
  g_signal_handlers_block_by_func (self->author_dropdown, on_filter_changed_cb, self);
  g_signal_handlers_block_by_func (self->product_dropdown, on_filter_changed_cb, self);
  scim_choices_fill (self->author_dropdown, lists->users, _("Every author"), FALSE);
  scim_choices_fill (self->product_dropdown, lists->products, _("All products"), FALSE);
  g_signal_handlers_unblock_by_func (self->author_dropdown, on_filter_changed_cb, self);
  g_signal_handlers_unblock_by_func (self->product_dropdown, on_filter_changed_cb, self);
  lists_free (lists);
}

static GtkDropDown *
dropdown (const char * const *labels,
          const char         *accessible)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (labels);
  GtkWidget *widget = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&model)), NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_widget_set_tooltip_text (widget, accessible);
  return GTK_DROP_DOWN (widget);
}

static void
scim_book_page_dispose (GObject *object)
{
  ScimBookPage *self = (ScimBookPage *) object;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->past);
  g_clear_object (&self->planned);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (scim_book_page_parent_class)->dispose (object);
}

static void
scim_book_page_class_init (ScimBookPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_book_page_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_install_action (widget_class, "book.add-event", NULL, add_event_action);
  gtk_widget_class_install_action (widget_class, "book.mark-all-read", NULL, mark_all_read_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "book.add-event", NULL);
}

static void
scim_book_page_init (ScimBookPage *self)
{
  static const char * const kind_labels[] = { N_("All kinds"), N_("Call"), N_("Meeting"), N_("E-mail"),
                                              N_("Proposal sent"), N_("Contract"), N_("Payment"), N_("Note"),
                                              N_("Other"), NULL };
  static const char * const period_labels[] = { N_("All time"), N_("Today"), N_("This week"), N_("This month"),
                                                N_("This quarter"), N_("This year"), NULL };
  const char *kinds[G_N_ELEMENTS (kind_labels)];
  const char *periods[G_N_ELEMENTS (period_labels)];
  GtkWidget *box, *toolbar, *add, *read, *coming_box;

  for (guint i = 0; i < G_N_ELEMENTS (kind_labels); i++)
    kinds[i] = kind_labels[i] != NULL ? _(kind_labels[i]) : NULL;
  for (guint i = 0; i < G_N_ELEMENTS (period_labels); i++)
    periods[i] = period_labels[i] != NULL ? _(period_labels[i]) : NULL;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  /* The filters wrap to a second line in a narrow window. */
  gtk_widget_set_layout_manager (toolbar, scim_wrap_layout_new (6, 6));
  gtk_widget_set_margin_start (toolbar, 12);
  gtk_widget_set_margin_end (toolbar, 12);
  gtk_widget_set_margin_top (toolbar, 8);
  gtk_widget_set_margin_bottom (toolbar, 8);

  add = gtk_button_new_with_mnemonic (_("_New Event"));
  gtk_widget_set_tooltip_text (add, _("Write a key event of a sale (Ctrl+E)"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "book.add-event");
  gtk_widget_add_css_class (add, "suggested-action");
  self->search_entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->search_entry, "placeholder-text", _("Search events and clients"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search events and clients"), -1);
  gtk_widget_set_hexpand (GTK_WIDGET (self->search_entry), TRUE);
  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (on_search_changed_cb), self,
                           G_CONNECT_DEFAULT);
  self->kind_dropdown = dropdown (kinds, _("Kind"));
  self->period_dropdown = dropdown (periods, _("Period"));
  g_signal_connect_object (self->kind_dropdown, "notify::selected", G_CALLBACK (on_filter_changed_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (self->period_dropdown, "notify::selected", G_CALLBACK (on_filter_changed_cb), self,
                           G_CONNECT_DEFAULT);
  self->author_dropdown = scim_choices_new (SCIM_TYPE_USER, "display-name", _("Author"));
  self->product_dropdown = scim_choices_new (SCIM_TYPE_PRODUCT, "name", _("Product"));
  g_signal_connect_object (self->author_dropdown, "notify::selected", G_CALLBACK (on_filter_changed_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (self->product_dropdown, "notify::selected", G_CALLBACK (on_filter_changed_cb), self,
                           G_CONNECT_DEFAULT);
  self->mine_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_("Only _mine")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->mine_button), _("Only events I wrote"));
  self->unread_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_("_Unread")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->unread_button), _("Only what colleagues wrote since I last looked"));
  g_signal_connect_object (self->mine_button, "toggled", G_CALLBACK (on_toggled_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->unread_button, "toggled", G_CALLBACK (on_toggled_cb), self, G_CONNECT_DEFAULT);
  read = gtk_button_new_from_icon_name ("mail-read-symbolic");
  gtk_widget_set_tooltip_text (read, _("Mark All as Read"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (read), "book.mark-all-read");
  self->count_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "dim-label");

  gtk_box_append (GTK_BOX (toolbar), add);
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->search_entry));
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->kind_dropdown));
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->period_dropdown));
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->author_dropdown));
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->product_dropdown));
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->mine_button));
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->unread_button));
  gtk_box_append (GTK_BOX (toolbar), read);
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->count_label));
  gtk_box_append (GTK_BOX (box), toolbar);

  /* Planned events stand apart, above the timeline. */
  coming_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  self->coming_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->coming_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->coming_label), "heading");
  gtk_widget_set_margin_start (GTK_WIDGET (self->coming_label), 12);
  self->coming = SCIM_TIMELINE (scim_timeline_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->coming), -1, 180);
  gtk_widget_add_css_class (GTK_WIDGET (self->coming), "coming-up");
  g_signal_connect_object (self->coming, "activated", G_CALLBACK (on_event_activated_cb), self, G_CONNECT_DEFAULT);
  gtk_box_append (GTK_BOX (coming_box), GTK_WIDGET (self->coming_label));
  gtk_box_append (GTK_BOX (coming_box), GTK_WIDGET (self->coming));
  gtk_box_append (GTK_BOX (coming_box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  self->coming_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (self->coming_revealer, coming_box);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->coming_revealer));

  self->timeline = SCIM_TIMELINE (scim_timeline_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->timeline), TRUE);
  g_signal_connect_object (self->timeline, "activated", G_CALLBACK (on_event_activated_cb), self, G_CONNECT_DEFAULT);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->timeline));
  gtk_widget_set_parent (box, GTK_WIDGET (self));
}

void
scim_book_page_set_store (ScimBookPage *self,
                          ScimStore    *store)
{
  g_return_if_fail (SCIM_IS_BOOK_PAGE (self));

  if (!g_set_object (&self->store, store))
    return;
  scim_timeline_set_model (self->timeline, NULL);
  scim_timeline_set_model (self->coming, NULL);
  g_clear_object (&self->past);
  g_clear_object (&self->planned);
  if (store != NULL)
    {
      g_autoptr(ScimQuery) past = build_query (self, FALSE);
      g_autoptr(ScimQuery) planned = build_query (self, TRUE);

      self->past = scim_record_list_new (store, past);
      self->planned = scim_record_list_new (store, planned);
      g_signal_connect_object (self->past, "loaded", G_CALLBACK (on_loaded_cb), self, G_CONNECT_DEFAULT);
      g_signal_connect_object (self->planned, "loaded", G_CALLBACK (on_loaded_cb), self, G_CONNECT_DEFAULT);
      g_signal_connect_object (self->past, "notify::total", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->planned, "notify::total", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
      scim_timeline_set_model (self->timeline, G_LIST_MODEL (self->past));
      scim_timeline_set_model (self->coming, G_LIST_MODEL (self->planned));
      scim_store_run_async (store, lists_thread, NULL, NULL, NULL, on_lists_cb, g_object_ref (self));
    }
  update_count (self);
}

/**
 * scim_book_page_get_model:
 * @self: a #ScimBookPage
 *
 * Returns: (transfer none) (nullable): the past events shown
 */
GListModel *
scim_book_page_get_model (ScimBookPage *self)
{
  g_return_val_if_fail (SCIM_IS_BOOK_PAGE (self), NULL);
  return self->past != NULL ? G_LIST_MODEL (self->past) : NULL;
}

/**
 * scim_book_page_get_planned:
 * @self: a #ScimBookPage
 *
 * Returns: (transfer none) (nullable): the planned events, coming up
 */
GListModel *
scim_book_page_get_planned (ScimBookPage *self)
{
  g_return_val_if_fail (SCIM_IS_BOOK_PAGE (self), NULL);
  return self->planned != NULL ? G_LIST_MODEL (self->planned) : NULL;
}

/**
 * scim_book_page_get_timeline:
 * @self: a #ScimBookPage
 *
 * Returns: (transfer none): the timeline of past events
 */
GtkWidget *
scim_book_page_get_timeline (ScimBookPage *self)
{
  g_return_val_if_fail (SCIM_IS_BOOK_PAGE (self), NULL);
  return GTK_WIDGET (self->timeline);
}
