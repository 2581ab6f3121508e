/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-funnel-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-settings.h"
#include "scim-funnel-editor.h"
#include "scim-stage-dialog.h"

/* The ordered stages of one product's funnel: reorder by drag and drop or
 * with Alt+Up/Alt+Down (undo in a toast), add, edit, delete.  A stage that
 * still holds sales asks where they go; the store records the moves in the
 * stage history. */

struct _ScimFunnelEditor
{
  GtkWidget            parent_instance;

  AdwPreferencesGroup *group;
  GtkListBox          *list;
  GtkButton           *add_button;

  ScimStore           *store;
  gint64               product_id;
  gboolean             editable;
  GListModel          *stages;
  GCancellable        *cancellable;
  guint                busy;
  int                  focus_after_load;
};

G_DEFINE_FINAL_TYPE (ScimFunnelEditor, scim_funnel_editor, GTK_TYPE_WIDGET)

static void reload (ScimFunnelEditor *self);

static void
show_message (ScimFunnelEditor *self,
              const char       *message,
              AdwToast         *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (toast == NULL)
    toast = adw_toast_new (message);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    {
      g_message ("%s", message);
      g_object_unref (g_object_ref_sink (toast));
    }
}

static void
set_busy (ScimFunnelEditor *self,
          gboolean          busy)
{
  self->busy += busy ? 1 : -1;
}

/* Reordering */

typedef struct
{
  gint64  product_id;
  GArray *order;
} OrderJob;

static void
order_job_free (gpointer data)
{
  OrderJob *job = data;

  g_array_unref (job->order);
  g_free (job);
}

static gpointer
reorder_thread (ScimStore     *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  OrderJob *job = data;

  return scim_store_reorder_stages (store, job->product_id, (const gint64 *) (gpointer) job->order->data,
                                    job->order->len, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static GArray *
current_order (ScimFunnelEditor *self)
{
  GArray *order = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint n = self->stages != NULL ? g_list_model_get_n_items (self->stages) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ScimRecord) stage = g_list_model_get_item (self->stages, i);
      gint64 id = scim_record_get_id (stage);
      g_array_append_val (order, id);
    }
  return order;
}

static void apply_order (ScimFunnelEditor *self,
                         GArray           *order,
                         GArray           *undo_order,
                         int               focus);

typedef struct
{
  ScimFunnelEditor *self;
  GArray           *undo_order;
} ReorderRequest;

static void
on_undo_reorder_cb (AdwToast *toast,
                    gpointer  user_data)
{
  ReorderRequest *request = user_data;

  if (request->self->store != NULL)
    apply_order (request->self, request->undo_order, NULL, -1);
}

static void
reorder_request_free (gpointer data)
{
  ReorderRequest *request = data;

  g_object_unref (request->self);
  g_clear_pointer (&request->undo_order, g_array_unref);
  g_free (request);
}

static void
on_reordered_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ReorderRequest *request = user_data;
  ScimFunnelEditor *self = request->self;
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  if (scim_store_run_finish (SCIM_STORE (source), result, &error) == NULL)
    {
      show_message (self, error->message, NULL);
      reorder_request_free (request);
      reload (self);
      return;
    }
  reload (self);

  if (request->undo_order != NULL)
    {
      AdwToast *toast = adw_toast_new (_("Stages reordered"));

      adw_toast_set_button_label (toast, _("_Undo"));
      g_signal_connect_data (toast, "button-clicked", G_CALLBACK (on_undo_reorder_cb), request,
                             (GClosureNotify) (void (*) (void)) reorder_request_free, 0);
      show_message (self, NULL, toast);
    }
  else
    reorder_request_free (request);
}

static void
apply_order (ScimFunnelEditor *self,
             GArray           *order,
             GArray           *undo_order,
             int               focus)
{
  OrderJob *job = g_new0 (OrderJob, 1);
  ReorderRequest *request = g_new0 (ReorderRequest, 1);

  job->product_id = self->product_id;
  job->order = g_array_ref (order);
  request->self = g_object_ref (self);
  request->undo_order = undo_order != NULL ? g_array_ref (undo_order) : NULL;
  self->focus_after_load = focus;

  set_busy (self, TRUE);
  scim_store_run_async (self->store, reorder_thread, job, order_job_free, NULL, on_reordered_cb, request);
}

/**
 * scim_funnel_editor_move:
 * @self: a #ScimFunnelEditor
 * @from: the position of the stage to move
 * @to: its new position
 *
 * Moves a stage, as a drag or Alt+Up/Down does, and offers undo.
 */
void
scim_funnel_editor_move (ScimFunnelEditor *self,
                         guint             from,
                         guint             to)
{
  g_autoptr(GArray) before = NULL;
  g_autoptr(GArray) after = NULL;
  gint64 moved;

  g_return_if_fail (SCIM_IS_FUNNEL_EDITOR (self));

  if (!self->editable || self->stages == NULL || from == to)
    return;
  before = current_order (self);
  if (from >= before->len || to >= before->len)
    return;

  after = g_array_copy (before);
  moved = g_array_index (after, gint64, from);
  g_array_remove_index (after, from);
  g_array_insert_val (after, to, moved);
  apply_order (self, after, before, (int) to);
}

/* Rows */

static guint
row_index (GtkWidget *row)
{
  return (guint) gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
}

static void
on_up_clicked_cb (GtkButton *button,
                  GtkWidget *row)
{
  ScimFunnelEditor *self = SCIM_FUNNEL_EDITOR (gtk_widget_get_ancestor (row, SCIM_TYPE_FUNNEL_EDITOR));
  guint index = row_index (row);

  if (index > 0)
    scim_funnel_editor_move (self, index, index - 1);
}

static void
on_down_clicked_cb (GtkButton *button,
                    GtkWidget *row)
{
  ScimFunnelEditor *self = SCIM_FUNNEL_EDITOR (gtk_widget_get_ancestor (row, SCIM_TYPE_FUNNEL_EDITOR));

  scim_funnel_editor_move (self, row_index (row), row_index (row) + 1);
}

typedef struct
{
  gint64 stage_id;
  gint64 move_to;
} DeleteJob;

static gpointer
delete_thread (ScimStore     *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  DeleteJob *job = data;

  return scim_store_delete_stage (store, job->stage_id, job->move_to, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
on_deleted_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ScimFunnelEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  if (scim_store_run_finish (SCIM_STORE (source), result, &error) == NULL)
    show_message (self, error->message, NULL);
  else
    show_message (self, _("Stage deleted"), NULL);
  reload (self);
}

static void
delete_stage (ScimFunnelEditor *self,
              gint64            stage_id,
              gint64            move_to)
{
  DeleteJob *job = g_new0 (DeleteJob, 1);

  job->stage_id = stage_id;
  job->move_to = move_to;
  set_busy (self, TRUE);
  scim_store_run_async (self->store, delete_thread, job, g_free, NULL, on_deleted_cb, g_object_ref (self));
}

static void
on_delete_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       ScimFunnelEditor *self)
{
  gint64 stage_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "scim-stage"));
  GtkDropDown *targets = g_object_get_data (G_OBJECT (dialog), "scim-targets");
  gint64 move_to = 0;

  if (!g_str_equal (response, "delete"))
    return;
  if (targets != NULL)
    {
      ScimRecord *target = gtk_drop_down_get_selected_item (targets);
      if (target != NULL)
        move_to = scim_record_get_id (target);
    }
  delete_stage (self, stage_id, move_to);
}

static gboolean
not_this_stage (gpointer item,
                gpointer user_data)
{
  return scim_record_get_id (item) != (gint64) GPOINTER_TO_SIZE (user_data);
}

static void
on_delete_clicked_cb (GtkButton *button,
                      GtkWidget *row)
{
  ScimFunnelEditor *self = SCIM_FUNNEL_EDITOR (gtk_widget_get_ancestor (row, SCIM_TYPE_FUNNEL_EDITOR));
  ScimRecord *stage = g_object_get_data (G_OBJECT (row), "scim-stage");
  gint64 sales = scim_record_get_int (stage, "sale-count");
  g_autofree char *heading = g_strdup_printf (_("Delete “%s”?"), scim_record_get_string (stage, "name"));
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, NULL);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "scim-stage", GSIZE_TO_POINTER (scim_record_get_id (stage)));

  if (sales > 0)
    {
      /* The sales must go somewhere: ask where, among the other stages. */
      g_autoptr(GtkFilterListModel) others = NULL;
      GtkWidget *targets;
      g_autofree char *body = NULL;

      body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%lld sale stands at this stage. Choose the stage it moves to; "
                                           "the move is kept in its history.",
                                           "%lld sales stand at this stage. Choose the stage they move to; "
                                           "the moves are kept in their history.",
                                           (gulong) sales),
                              (long long) sales);
      adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
      others = gtk_filter_list_model_new (g_object_ref (self->stages),
                                          GTK_FILTER (gtk_custom_filter_new (not_this_stage,
                                                                             GSIZE_TO_POINTER (scim_record_get_id (stage)),
                                                                             NULL)));
      targets = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&others)),
                                   gtk_property_expression_new (SCIM_TYPE_STAGE, NULL, "name"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (targets), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Stage the sales move to"), -1);
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), targets);
      g_object_set_data (G_OBJECT (dialog), "scim-targets", targets);
    }
  else
    adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), _("No sale stands at this stage."));

  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response_cb), self, G_CONNECT_DEFAULT);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_stage_saved_cb (ScimStageDialog  *dialog,
                   ScimFunnelEditor *self)
{
  reload (self);
}

static void
on_row_activated_cb (GtkListBox       *list,
                     GtkListBoxRow    *row,
                     ScimFunnelEditor *self)
{
  ScimStage *stage = g_object_get_data (G_OBJECT (row), "scim-stage");
  ScimStageDialog *dialog;

  if (!self->editable || stage == NULL)
    return;
  dialog = scim_stage_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->store,
                                  self->product_id, 0, stage);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_stage_saved_cb), self, G_CONNECT_DEFAULT);
}

static void
on_add_clicked_cb (GtkButton        *button,
                   ScimFunnelEditor *self)
{
  ScimStageDialog *dialog;
  guint n = self->stages != NULL ? g_list_model_get_n_items (self->stages) : 0;
  guint position = n;

  /* A new stage goes before the first closing stage (won, lost, paused). */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ScimRecord) stage = g_list_model_get_item (self->stages, i);
      if (g_strcmp0 (scim_record_get_string (stage, "kind"), "open") != 0)
        {
          position = i;
          break;
        }
    }
  dialog = scim_stage_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->store,
                                  self->product_id, (int) position, NULL);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_stage_saved_cb), self, G_CONNECT_DEFAULT);
}

static GdkContentProvider *
on_drag_prepare_cb (GtkDragSource *source,
                    double         x,
                    double         y,
                    GtkWidget     *row)
{
  GValue value = G_VALUE_INIT;
  GdkContentProvider *provider;

  g_value_init (&value, G_TYPE_UINT);
  g_value_set_uint (&value, row_index (row));
  provider = gdk_content_provider_new_for_value (&value);
  g_value_unset (&value);
  return provider;
}

static void
on_drag_begin_cb (GtkDragSource *source,
                  GdkDrag       *drag,
                  GtkWidget     *row)
{
  g_autoptr(GdkPaintable) icon = gtk_widget_paintable_new (row);

  gtk_drag_source_set_icon (source, icon, 0, 0);
}

static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            GtkWidget     *row)
{
  ScimFunnelEditor *self = SCIM_FUNNEL_EDITOR (gtk_widget_get_ancestor (row, SCIM_TYPE_FUNNEL_EDITOR));

  if (!G_VALUE_HOLDS_UINT (value))
    return FALSE;
  scim_funnel_editor_move (self, g_value_get_uint (value), row_index (row));
  return TRUE;
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             GCallback   callback,
             GtkWidget  *row)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  g_signal_connect (button, "clicked", callback, row);
  return button;
}

static GtkWidget *
create_row (ScimFunnelEditor *self,
            ScimRecord       *stage,
            guint             index,
            guint             n)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;
  gint64 stuck = scim_record_get_int (stage, "stuck-days");
  gint64 sales = scim_record_get_int (stage, "sale-count");
  g_autofree char *stuck_text = stuck > 0
    ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "stuck after %lld day", "stuck after %lld days", (gulong) stuck),
                       (long long) stuck)
    : g_strdup (_("never stuck"));
  g_autofree char *sales_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lld sale", "%lld sales",
                                                              (gulong) sales), (long long) sales);

  title = g_strdup_printf ("%u. %s", index + 1, scim_record_get_string (stage, "name"));
  subtitle = g_strdup_printf ("%s · %" G_GINT64_FORMAT "%% · %s · %s",
                              scim_format_kind (scim_record_get_string (stage, "kind")),
                              scim_record_get_int (stage, "probability"), stuck_text, sales_text);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  g_object_set_data_full (G_OBJECT (row), "scim-stage", g_object_ref (stage), g_object_unref);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), self->editable);

  if (self->editable)
    {
      GtkDragSource *source = gtk_drag_source_new ();
      GtkDropTarget *target = gtk_drop_target_new (G_TYPE_UINT, GDK_ACTION_MOVE);
      GtkWidget *up, *down;

      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("list-drag-handle-symbolic"));
      up = icon_button ("go-up-symbolic", _("Move Up (Alt+Up)"), G_CALLBACK (on_up_clicked_cb), row);
      down = icon_button ("go-down-symbolic", _("Move Down (Alt+Down)"), G_CALLBACK (on_down_clicked_cb), row);
      gtk_widget_set_sensitive (up, index > 0);
      gtk_widget_set_sensitive (down, index + 1 < n);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), up);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), down);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 icon_button ("user-trash-symbolic", _("Delete Stage"),
                                              G_CALLBACK (on_delete_clicked_cb), row));

      gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
      g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare_cb), row);
      g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin_cb), row);
      gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));
      g_signal_connect (target, "drop", G_CALLBACK (on_drop_cb), row);
      gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));
    }
  return row;
}

static void
rebuild (ScimFunnelEditor *self)
{
  GtkWidget *child;
  guint n = self->stages != NULL ? g_list_model_get_n_items (self->stages) : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ScimRecord) stage = g_list_model_get_item (self->stages, i);
      gtk_list_box_append (self->list, create_row (self, stage, i, n));
    }
  if (self->focus_after_load >= 0)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, self->focus_after_load);
      if (row != NULL)
        gtk_widget_grab_focus (GTK_WIDGET (row));
      self->focus_after_load = -1;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->add_button), self->editable);
}

static gpointer
load_thread (ScimStore     *store,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_STAGES);

  query->product_id = GPOINTER_TO_SIZE (data);
  return scim_store_list (store, query, error);
}

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ScimFunnelEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  GListModel *stages = scim_store_run_finish (SCIM_STORE (source), result, &error);

  set_busy (self, FALSE);
  if (stages == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (self, error->message, NULL);
      return;
    }
  g_clear_object (&self->stages);
  self->stages = stages;
  rebuild (self);
}

static void
reload (ScimFunnelEditor *self)
{
  if (self->store == NULL || self->product_id == 0)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  scim_store_run_async_full (self->store, load_thread, GSIZE_TO_POINTER (self->product_id), NULL, g_object_unref,
                             self->cancellable, on_loaded_cb, g_object_ref (self));
}

/* Alt+Up and Alt+Down move the stage whose row has the focus. */
static void
move_focused_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ScimFunnelEditor *self = SCIM_FUNNEL_EDITOR (widget);
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));
  GtkWidget *row = focus != NULL ? gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX_ROW) : NULL;
  int delta = g_str_equal (action_name, "funnel.move-up") ? -1 : 1;
  guint index;

  if (row == NULL || gtk_widget_get_parent (row) != GTK_WIDGET (self->list))
    return;
  index = row_index (row);
  if ((delta < 0 && index == 0) || (self->stages != NULL && delta > 0 && index + 1 >= g_list_model_get_n_items (self->stages)))
    return;
  scim_funnel_editor_move (self, index, (guint) ((int) index + delta));
}

static void
scim_funnel_editor_dispose (GObject *object)
{
  ScimFunnelEditor *self = (ScimFunnelEditor *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SCIM_TYPE_FUNNEL_EDITOR);
  g_clear_object (&self->stages);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (scim_funnel_editor_parent_class)->dispose (object);
}

static void
scim_funnel_editor_class_init (ScimFunnelEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_funnel_editor_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/ru/scim/Sales/scim-funnel-editor.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, ScimFunnelEditor, add_button);
  gtk_widget_class_bind_template_child (widget_class, ScimFunnelEditor, group);
  gtk_widget_class_bind_template_child (widget_class, ScimFunnelEditor, list);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "funnel.move-up", NULL, move_focused_action);
  gtk_widget_class_install_action (widget_class, "funnel.move-down", NULL, move_focused_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "funnel.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "funnel.move-down", NULL);
}

static void
scim_funnel_editor_init (ScimFunnelEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->focus_after_load = -1;
}

GtkWidget *
scim_funnel_editor_new (void)
{
  return g_object_new (SCIM_TYPE_FUNNEL_EDITOR, NULL);
}

/**
 * scim_funnel_editor_set_product:
 * @self: a #ScimFunnelEditor
 * @store: the store
 * @product_id: whose funnel
 * @editable: whether the signed-in user may change it
 */
void
scim_funnel_editor_set_product (ScimFunnelEditor *self,
                                ScimStore        *store,
                                gint64            product_id,
                                gboolean          editable)
{
  g_return_if_fail (SCIM_IS_FUNNEL_EDITOR (self));

  g_set_object (&self->store, store);
  self->product_id = product_id;
  self->editable = editable;
  reload (self);
}

guint
scim_funnel_editor_get_n_stages (ScimFunnelEditor *self)
{
  g_return_val_if_fail (SCIM_IS_FUNNEL_EDITOR (self), 0);
  return self->stages != NULL ? g_list_model_get_n_items (self->stages) : 0;
}

gint64
scim_funnel_editor_get_stage_id (ScimFunnelEditor *self,
                                 guint             position)
{
  g_autoptr(ScimRecord) stage = NULL;

  g_return_val_if_fail (SCIM_IS_FUNNEL_EDITOR (self), 0);
  if (self->stages == NULL || position >= g_list_model_get_n_items (self->stages))
    return 0;
  stage = g_list_model_get_item (self->stages, position);
  return scim_record_get_id (stage);
}

/* Whether a load or a write is on its way; tests wait for it to settle. */
gboolean
scim_funnel_editor_get_busy (ScimFunnelEditor *self)
{
  g_return_val_if_fail (SCIM_IS_FUNNEL_EDITOR (self), FALSE);
  return self->busy > 0;
}

/**
 * scim_funnel_editor_get_row:
 * @self: a #ScimFunnelEditor
 * @position: a stage's position
 *
 * Returns: (transfer none) (nullable): the stage's row
 */
GtkWidget *
scim_funnel_editor_get_row (ScimFunnelEditor *self,
                            guint             position)
{
  g_return_val_if_fail (SCIM_IS_FUNNEL_EDITOR (self), NULL);
  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->list, (int) position));
}
