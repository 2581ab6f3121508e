/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-pipeline-board"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-format.h"
#include "scim-pipeline-board.h"
#include "scim-query.h"
#include "scim-record-list.h"
#include "scim-sale-window.h"
#include "scim-sales.h"
#include "scim-sale-move.h"

/* The pipeline board: a column per stage of one product, a card per sale
 * (client, amount, the owner's initials, the next task of the plan and its
 * due day, red when overdue, "No plan", days at the stage), and each
 * column's count and amount.  A card moves by a drag to another column, or
 * by Alt+Left/Right; a lost or paused stage asks first, the core checks
 * the roles and refuses a move of a sale someone moved since, and a toast
 * undoes the move and then offers the new stage's usual tasks.
 *
 * Lazy: a column is a GtkListView over a ScimRecordList (ids read by key a
 * page at a time, rows filled on the worker) seen through a
 * GtkSliceListModel that grows as the column is scrolled down, so only
 * about a screen of cards is built in each column however many sales it
 * holds.  Others' moves come with the store's ::changed. */

/* Cards built in a column at first, and added each time it is scrolled
 * near its end. */
#define CARDS_CHUNK 10
#define COLUMN_WIDTH 264
#define REFRESH_DELAY_MS 700

typedef struct
{
  ScimPipelineBoard  *board;
  gint64              stage_id;
  char               *name;
  char               *kind;
  GtkWidget          *box;
  GtkLabel           *title;
  GtkLabel           *totals;
  ScimRecordList     *list;
  GtkSliceListModel  *slice;
  GtkSingleSelection *selection;
  GtkWidget          *view;
  GtkDropTarget      *drop;
  gint64              count;
  gint64              amount;
  gboolean            counted;
  gboolean            built;    /* its view has its model: cards exist */
} Column;

struct _ScimPipelineBoard
{
  GtkWidget        parent_instance;

  AdwToastOverlay *toasts;
  GtkStack        *stack;
  AdwStatusPage   *empty;
  GtkBox          *columns_box;
  GtkScrolledWindow *scroller;
  GPtrArray       *columns;    /* Column* */

  ScimStore       *store;
  ScimBoardFilter  filter;
  /* Set while the board was hidden: applied when it is next shown, so a
   * page that never shows the board never reads it. */
  ScimBoardFilter  pending;
  gboolean         stale;
  gboolean         dirty;   /* the file changed while hidden */
  GCancellable    *cancellable;
  guint            refresh_source;
  guint            busy;

  /* The move waiting for its question's answer. */
  ScimRecord      *asking;
  /* The last move made here, for Undo (its toast's button, Ctrl+Z). */
  struct _Move    *last_move;
  /* A card moved by the keyboard: its sale keeps the focus in its new column. */
  gint64           follow_sale;
  gint64           follow_stage;
};

G_DEFINE_FINAL_TYPE (ScimPipelineBoard, scim_pipeline_board, GTK_TYPE_WIDGET)

static void request_move (ScimPipelineBoard *self,
                          ScimRecord        *sale,
                          gint64             stage_id);

static void
say (ScimPipelineBoard *self,
     const char        *message)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (message));
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Cards */

typedef struct
{
  GtkLabel  *client;
  AdwAvatar *avatar;
  GtkLabel  *amount;
  GtkLabel  *days;
  GtkLabel  *task;
  GtkLabel  *no_plan;
  ScimRecord *sale;
  gulong      handler;
  guint       idle_id;   /* a fill notifies every field: one update for all */
} Card;

static void
card_free (gpointer data)
{
  Card *card = data;

  if (card->sale != NULL && card->handler != 0)
    g_signal_handler_disconnect (card->sale, card->handler);
  g_clear_handle_id (&card->idle_id, g_source_remove);
  g_clear_object (&card->sale);
  g_free (card);
}

static Card *
card_of (GtkWidget *widget)
{
  return g_object_get_data (G_OBJECT (widget), "scim-card");
}

static char *
days_at_stage (gint64 entered_at)
{
  guint days = entered_at > 0 ? (guint) CLAMP ((now_seconds () - entered_at) / 86400, 0, G_MAXINT) : 0;

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u day at the stage", "%'u days at the stage", days), days);
}

static void
card_update (GtkWidget *widget)
{
  Card *card = card_of (widget);
  ScimRecord *sale = card->sale;
  const char *kind, *task;
  gint64 due;
  gboolean closed, overdue, no_plan;
  g_autofree char *amount = NULL;
  g_autofree char *days = NULL;
  g_autofree char *line = NULL;
  g_autofree char *label = NULL;

  if (sale == NULL || !scim_record_get_loaded (sale))
    {
      gtk_label_set_label (card->client, "…");
      gtk_label_set_label (card->amount, "");
      gtk_label_set_label (card->days, "");
      gtk_widget_set_visible (GTK_WIDGET (card->task), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (card->no_plan), FALSE);
      adw_avatar_set_text (card->avatar, NULL);
      return;
    }
  kind = scim_record_get_string (sale, "stage-kind");
  closed = g_strcmp0 (kind, "won") == 0 || g_strcmp0 (kind, "lost") == 0;
  task = scim_record_get_string (sale, "next-task");
  due = scim_record_get_int (sale, "next-due-at");
  overdue = task != NULL && task[0] != '\0' && due != 0 && due < now_seconds ();
  no_plan = !closed && scim_record_get_int (sale, "open-tasks") == 0;

  amount = scim_format_amount (scim_record_get_int (sale, "amount"));
  days = days_at_stage (scim_record_get_int (sale, "stage-entered-at"));
  gtk_label_set_label (card->client, scim_record_get_string (sale, "client"));
  gtk_label_set_label (card->amount, amount);
  gtk_label_set_label (card->days, closed ? "" : days);
  adw_avatar_set_text (card->avatar, scim_record_get_string (sale, "owner"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (card->avatar), scim_record_get_string (sale, "owner"));
  if (task != NULL && task[0] != '\0')
    {
      g_autofree char *when = due == 0 ? g_strdup (_("no due date"))
                              : scim_record_get_bool (sale, "next-due-has-time") ? scim_format_date_time (due)
                                                                                  : scim_format_date (due);

      line = g_strdup_printf ("%s · %s", task, when);
      gtk_label_set_label (card->task, line);
    }
  gtk_widget_set_visible (GTK_WIDGET (card->task), line != NULL);
  if (overdue)
    gtk_widget_add_css_class (GTK_WIDGET (card->task), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (card->task), "error");
  gtk_widget_set_visible (GTK_WIDGET (card->no_plan), no_plan);

  /* What a screen reader says of the card, in one breath. */
  label = g_strdup_printf ("%s, %s, %s%s%s%s%s", scim_record_get_string (sale, "client"), amount,
                           scim_record_get_string (sale, "owner"), line != NULL ? ", " : "", line != NULL ? line : "",
                           overdue ? ", " : "", overdue ? _("overdue") : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static gboolean
card_idle_cb (gpointer data)
{
  GtkWidget *widget = data;

  card_of (widget)->idle_id = 0;
  card_update (widget);
  return G_SOURCE_REMOVE;
}

static void
on_sale_notify_cb (GObject    *sale,
                   GParamSpec *pspec,
                   GtkWidget  *widget)
{
  Card *card = card_of (widget);

  /* Before the next frame is laid out. */
  if (card->idle_id == 0)
    card->idle_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, card_idle_cb, widget, NULL);
}

static GdkContentProvider *
on_drag_prepare_cb (GtkDragSource *source,
                    double         x,
                    double         y,
                    GtkWidget     *widget)
{
  Card *card = card_of (widget);
  g_autofree char *text = NULL;

  if (card->sale == NULL || !scim_record_get_loaded (card->sale))
    return NULL;
  /* The sale and where it was shown; the drop reads the rest from the card. */
  text = g_strdup_printf ("scim-sale:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, scim_record_get_id (card->sale),
                          scim_record_get_int (card->sale, "stage-id"));
  g_object_set_data_full (G_OBJECT (source), "scim-sale", g_object_ref (card->sale), g_object_unref);
  return gdk_content_provider_new_typed (G_TYPE_STRING, text);
}

static void
on_drag_begin_cb (GtkDragSource *source,
                  GdkDrag       *drag,
                  GtkWidget     *widget)
{
  g_autoptr(GdkPaintable) icon = gtk_widget_paintable_new (widget);

  gtk_drag_source_set_icon (source, icon, 16, 16);
  gtk_widget_add_css_class (widget, "dragged");
}

static void
on_drag_end_cb (GtkDragSource *source,
                GdkDrag       *drag,
                gboolean       delete_data,
                GtkWidget     *widget)
{
  gtk_widget_remove_css_class (widget, "dragged");
}

static void
on_card_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  ScimPipelineBoard        *self)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *middle = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkDragSource *drag = gtk_drag_source_new ();
  Card *data = g_new0 (Card, 1);

  gtk_widget_add_css_class (card, "board-card");
  data->client = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (data->client, 0);
  gtk_label_set_wrap (data->client, TRUE);
  gtk_label_set_wrap_mode (data->client, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (data->client, 2);
  gtk_label_set_ellipsize (data->client, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (data->client), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (data->client), "heading");
  data->avatar = ADW_AVATAR (adw_avatar_new (24, NULL, TRUE));
  gtk_widget_set_valign (GTK_WIDGET (data->avatar), GTK_ALIGN_START);
  data->amount = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (data->amount), "numeric");
  data->days = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (data->days), "dim-label");
  gtk_widget_set_hexpand (GTK_WIDGET (data->days), TRUE);
  gtk_label_set_xalign (data->days, 1);
  data->task = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (data->task, 0);
  gtk_label_set_wrap (data->task, TRUE);
  gtk_label_set_wrap_mode (data->task, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (data->task, 2);
  gtk_label_set_ellipsize (data->task, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (data->task), "caption");
  data->no_plan = GTK_LABEL (gtk_label_new (_("No plan")));
  gtk_widget_set_halign (GTK_WIDGET (data->no_plan), GTK_ALIGN_START);
  gtk_widget_add_css_class (GTK_WIDGET (data->no_plan), "no-plan-badge");
  gtk_widget_add_css_class (GTK_WIDGET (data->no_plan), "caption");
  gtk_widget_set_tooltip_text (GTK_WIDGET (data->no_plan), _("No open task: the sale has no next step"));

  gtk_box_append (GTK_BOX (top), GTK_WIDGET (data->client));
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (data->avatar));
  gtk_box_append (GTK_BOX (middle), GTK_WIDGET (data->amount));
  gtk_box_append (GTK_BOX (middle), GTK_WIDGET (data->days));
  gtk_box_append (GTK_BOX (card), top);
  gtk_box_append (GTK_BOX (card), middle);
  gtk_box_append (GTK_BOX (card), GTK_WIDGET (data->task));
  gtk_box_append (GTK_BOX (card), GTK_WIDGET (data->no_plan));
  g_object_set_data_full (G_OBJECT (card), "scim-card", data, card_free);

  gtk_drag_source_set_actions (drag, GDK_ACTION_MOVE);
  g_signal_connect (drag, "prepare", G_CALLBACK (on_drag_prepare_cb), card);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin_cb), card);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end_cb), card);
  gtk_widget_add_controller (card, GTK_EVENT_CONTROLLER (drag));
  gtk_list_item_set_child (item, card);
}

static void
on_card_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 ScimPipelineBoard        *self)
{
  GtkWidget *widget = gtk_list_item_get_child (item);
  Card *card = card_of (widget);

  card->sale = g_object_ref (gtk_list_item_get_item (item));
  card->handler = g_signal_connect_object (card->sale, "notify", G_CALLBACK (on_sale_notify_cb), widget,
                                           G_CONNECT_DEFAULT);
  card_update (widget);
}

static void
on_card_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   ScimPipelineBoard        *self)
{
  Card *card = card_of (gtk_list_item_get_child (item));

  if (card->sale != NULL && card->handler != 0)
    g_signal_handler_disconnect (card->sale, card->handler);
  card->handler = 0;
  g_clear_handle_id (&card->idle_id, g_source_remove);
  g_clear_object (&card->sale);
}

/* Columns */

static void
column_free (gpointer data)
{
  Column *column = data;

  g_free (column->name);
  g_free (column->kind);
  g_clear_object (&column->list);
  g_clear_object (&column->slice);
  g_clear_object (&column->selection);
  g_free (column);
}

static Column *
find_column (ScimPipelineBoard *self,
             gint64             stage_id,
             guint             *index)
{
  for (guint i = 0; self->columns != NULL && i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);

      if (column->stage_id == stage_id)
        {
          if (index != NULL)
            *index = i;
          return column;
        }
    }
  return NULL;
}

static ScimQuery *
column_query (ScimPipelineBoard *self,
              gint64             stage_id)
{
  ScimQuery *query = scim_query_new (SCIM_LIST_SALES);

  query->product_id = self->filter.product_id;
  query->stage_id = stage_id;
  query->owner_id = self->filter.owner_id;
  query->audience_id = self->filter.audience_id;
  query->since = self->filter.entered_since;
  return query;
}

static void
column_show_totals (Column *column)
{
  guint n = (guint) MIN (column->count, G_MAXUINT);
  g_autofree char *amount = NULL;
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;

  if (column->counted)
    {
      amount = scim_format_amount (column->amount);
      count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u sale", "%'u sales", n), n);
      text = g_strdup_printf ("%s · %s", count, amount);
    }
  gtk_label_set_label (column->totals, text != NULL ? text : "");
}

/* The column grows by a chunk of cards when scrolled near its end. */
static void
on_column_scrolled_cb (GtkAdjustment *adjustment,
                       Column        *column)
{
  guint size = gtk_slice_list_model_get_size (column->slice);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (column->list));

  if (size >= n)
    return;
  /* Within about two cards of the end. */
  if (gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) + 200 >=
      gtk_adjustment_get_upper (adjustment))
    gtk_slice_list_model_set_size (column->slice, size + CARDS_CHUNK);
}

/* A sale moved by the keyboard takes the focus in its new column. */
static void
column_follow (Column *column)
{
  ScimPipelineBoard *self = column->board;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (column->slice));

  if (self->follow_sale == 0 || self->follow_stage != column->stage_id)
    return;
  for (guint i = 0; i < n; i++)
    if (scim_record_list_get_id (column->list, i) == self->follow_sale)
      {
        self->follow_sale = self->follow_stage = 0;
        gtk_single_selection_set_selected (column->selection, i);
        gtk_widget_activate_action (column->view, "list.scroll-to-item", "u", i);
        gtk_widget_grab_focus (column->view);
        return;
      }
}

static void
on_column_items_changed_cb (GListModel *model,
                            guint       position,
                            guint       removed,
                            guint       added,
                            Column     *column)
{
  column_follow (column);
}

static void
on_card_activated_cb (GtkListView *view,
                      guint        position,
                      Column      *column)
{
  g_autoptr(ScimRecord) sale = g_list_model_get_item (G_LIST_MODEL (column->slice), position);
  ScimPipelineBoard *self = column->board;

  if (sale != NULL)
    scim_sale_window_open (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->store,
                           scim_record_get_id (sale));
}

static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            Column        *column)
{
  ScimPipelineBoard *self = column->board;
  const char *text = G_VALUE_HOLDS_STRING (value) ? g_value_get_string (value) : NULL;
  gint64 sale_id = 0, from = 0;
  g_autoptr(ScimRecord) sale = NULL;
  Column *shown;

  if (text == NULL || sscanf (text, "scim-sale:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, &sale_id, &from) != 2 ||
      sale_id <= 0)
    return FALSE;
  if (from == column->stage_id)
    return FALSE;
  /* The card as it was shown in its column, if it still is; else the
   * sale as it is in the file now. */
  shown = find_column (self, from, NULL);
  for (guint k = 0; shown != NULL && sale == NULL && k < g_list_model_get_n_items (G_LIST_MODEL (shown->slice)); k++)
    if (scim_record_list_get_id (shown->list, k) == sale_id)
      sale = g_list_model_get_item (G_LIST_MODEL (shown->slice), k);
  if (sale != NULL && scim_record_get_loaded (sale))
    request_move (self, sale, column->stage_id);
  else
    scim_pipeline_board_move (self, sale_id, column->stage_id);
  return TRUE;
}

/* Alt+Left and Alt+Right: the selected card to the column beside. */
static gboolean
on_move_key_cb (GtkWidget *view,
                GVariant  *args,
                gpointer   user_data)
{
  Column *column = user_data;
  ScimPipelineBoard *self = column->board;
  int step = g_variant_get_int32 (args);
  guint index;
  ScimRecord *sale = gtk_single_selection_get_selected_item (column->selection);

  if (sale == NULL || !scim_record_get_loaded (sale) || find_column (self, column->stage_id, &index) == NULL)
    return FALSE;
  if ((step < 0 && index == 0) || (step > 0 && index + 1 >= self->columns->len))
    return TRUE;
  {
    Column *target = g_ptr_array_index (self->columns, index + step);

    self->follow_sale = scim_record_get_id (sale);
    self->follow_stage = target->stage_id;
    request_move (self, sale, target->stage_id);
  }
  return TRUE;
}

static Column *
column_new (ScimPipelineBoard *self,
            ScimRecord        *stage)
{
  Column *column = g_new0 (Column, 1);
  g_autoptr(ScimQuery) query = NULL;
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkWidget *header, *scroller;
  GtkEventController *keys;
  const char *kind = scim_record_get_string (stage, "kind");

  column->board = self;
  column->stage_id = scim_record_get_id (stage);
  column->name = g_strdup (scim_record_get_string (stage, "name"));
  column->kind = g_strdup (kind);

  column->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_size_request (column->box, COLUMN_WIDTH, -1);
  gtk_widget_add_css_class (column->box, "board-column");
  if (kind != NULL && kind[0] != '\0')
    {
      g_autofree char *css = g_strdup_printf ("board-column-%s", kind);

      gtk_widget_add_css_class (column->box, css);
    }
  header = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_start (header, 6);
  gtk_widget_set_margin_end (header, 6);
  column->title = GTK_LABEL (gtk_label_new (column->name));
  gtk_label_set_xalign (column->title, 0);
  gtk_label_set_wrap (column->title, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (column->title), "heading");
  column->totals = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (column->totals, 0);
  gtk_widget_add_css_class (GTK_WIDGET (column->totals), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (column->totals), "numeric");
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (column->title));
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (column->totals));

  query = column_query (self, column->stage_id);
  column->list = scim_record_list_new (self->store, query);
  column->slice = gtk_slice_list_model_new (G_LIST_MODEL (g_object_ref (column->list)), 0, CARDS_CHUNK);
  column->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (column->slice)));
  gtk_single_selection_set_autoselect (column->selection, FALSE);
  gtk_single_selection_set_can_unselect (column->selection, TRUE);
  g_signal_connect (column->slice, "items-changed", G_CALLBACK (on_column_items_changed_cb), column);

  g_signal_connect (factory, "setup", G_CALLBACK (on_card_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_card_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_card_unbind_cb), self);
  column->view = gtk_list_view_new (NULL, g_object_ref (factory));
  gtk_widget_add_css_class (column->view, "board-cards");
  gtk_list_view_set_single_click_activate (GTK_LIST_VIEW (column->view), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (column->view), GTK_ACCESSIBLE_PROPERTY_LABEL, column->name, -1);
  g_signal_connect (column->view, "activate", G_CALLBACK (on_card_activated_cb), column);

  keys = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new_with_arguments (
                                          gtk_keyval_trigger_new (GDK_KEY_Left, GDK_ALT_MASK),
                                          gtk_callback_action_new (on_move_key_cb, column, NULL), "i", -1));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new_with_arguments (
                                          gtk_keyval_trigger_new (GDK_KEY_Right, GDK_ALT_MASK),
                                          gtk_callback_action_new (on_move_key_cb, column, NULL), "i", 1));
  gtk_widget_add_controller (column->view, keys);

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), column->view);
  gtk_widget_set_vexpand (scroller, TRUE);
  g_signal_connect (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller)), "value-changed",
                    G_CALLBACK (on_column_scrolled_cb), column);
  g_signal_connect (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller)), "changed",
                    G_CALLBACK (on_column_scrolled_cb), column);

  column->drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_MOVE);
  g_signal_connect (column->drop, "drop", G_CALLBACK (on_drop_cb), column);
  gtk_widget_add_controller (column->box, GTK_EVENT_CONTROLLER (column->drop));

  gtk_box_append (GTK_BOX (column->box), header);
  gtk_box_append (GTK_BOX (column->box), scroller);
  return column;
}

static void reload (ScimPipelineBoard *self);

/* Only the columns in view, and those a column's width beside it, have
 * cards: a product of twelve stages builds those of five at 1280 pixels.
 * A column keeps its cards once built, until the board is hidden. */
static void
build_columns_in_view (ScimPipelineBoard *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_hadjustment (self->scroller);
  double left = gtk_adjustment_get_value (adjustment);
  double page = gtk_adjustment_get_page_size (adjustment);
  gboolean mapped = gtk_widget_get_mapped (GTK_WIDGET (self));

  if (page <= 0)
    page = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1280);
  for (guint i = 0; i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);
      graphene_rect_t bounds;
      gboolean near;

      if (!gtk_widget_compute_bounds (column->box, GTK_WIDGET (self->columns_box), &bounds) ||
          bounds.size.width <= 0)
        graphene_rect_init (&bounds, 12 + i * (COLUMN_WIDTH + 12), 0, COLUMN_WIDTH, 1);
      near = bounds.origin.x < left + page + COLUMN_WIDTH && bounds.origin.x + bounds.size.width > left - COLUMN_WIDTH;
      if (mapped && near && !column->built)
        {
          column->built = TRUE;
          gtk_list_view_set_model (GTK_LIST_VIEW (column->view), GTK_SELECTION_MODEL (column->selection));
        }
      else if (!mapped && column->built)
        {
          column->built = FALSE;
          gtk_list_view_set_model (GTK_LIST_VIEW (column->view), NULL);
        }
    }
}

static void
on_scrolled_cb (GtkAdjustment     *adjustment,
                ScimPipelineBoard *self)
{
  build_columns_in_view (self);
}

static void
on_map_changed_cb (GtkWidget         *widget,
                   ScimPipelineBoard *self)
{
  if (gtk_widget_get_mapped (widget) && self->stale)
    {
      self->stale = FALSE;
      scim_pipeline_board_set_filter (self, &self->pending);
    }
  if (gtk_widget_get_mapped (widget) && self->dirty)
    {
      self->dirty = FALSE;
      reload (self);
    }
  build_columns_in_view (self);
}

/* Loading: the product's stages and each column's count and amount */

typedef struct
{
  ScimBoardFilter filter;
  GListModel     *stages;
  GArray         *counts;   /* gint64 pairs: count, amount */
} Load;

static void
load_free (gpointer data)
{
  Load *load = data;

  g_clear_object (&load->stages);
  g_clear_pointer (&load->counts, g_array_unref);
  g_free (load);
}

static gpointer
load_thread (ScimStore     *store,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  Load *load = data;
  g_autoptr(ScimQuery) stages = scim_query_new (SCIM_LIST_STAGES);

  stages->product_id = load->filter.product_id;
  if ((load->stages = scim_store_list (store, stages, error)) == NULL)
    return NULL;
  load->counts = g_array_new (FALSE, TRUE, sizeof (gint64));
  for (guint i = 0; i < g_list_model_get_n_items (load->stages); i++)
    {
      g_autoptr(ScimRecord) stage = g_list_model_get_item (load->stages, i);
      g_autoptr(ScimQuery) sales = scim_query_new (SCIM_LIST_SALES);
      gint64 pair[2];

      sales->product_id = load->filter.product_id;
      sales->stage_id = scim_record_get_id (stage);
      sales->owner_id = load->filter.owner_id;
      sales->audience_id = load->filter.audience_id;
      sales->since = load->filter.entered_since;
      if (!scim_store_query_total (store, sales, &pair[0], &pair[1], cancellable, error))
        return NULL;
      g_array_append_vals (load->counts, pair, 2);
    }
  return GINT_TO_POINTER (TRUE);
}

/* Whether the columns are those stages already, in that order, named so. */
static gboolean
same_columns (ScimPipelineBoard *self,
              GListModel        *stages)
{
  guint n = g_list_model_get_n_items (stages);

  if (self->columns == NULL || self->columns->len != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ScimRecord) stage = g_list_model_get_item (stages, i);
      Column *column = g_ptr_array_index (self->columns, i);

      if (column->stage_id != scim_record_get_id (stage) ||
          g_strcmp0 (column->name, scim_record_get_string (stage, "name")) != 0 ||
          g_strcmp0 (column->kind, scim_record_get_string (stage, "kind")) != 0)
        return FALSE;
    }
  return TRUE;
}

static void
clear_columns (ScimPipelineBoard *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->columns_box))) != NULL)
    gtk_box_remove (self->columns_box, child);
  g_ptr_array_set_size (self->columns, 0);
}

static void
on_load_done (ScimPipelineBoard *self,
              Load              *load)
{
  guint n = g_list_model_get_n_items (load->stages);

  if (memcmp (&load->filter, &self->filter, sizeof load->filter) != 0)
    return;
  if (!same_columns (self, load->stages))
    {
      clear_columns (self);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(ScimRecord) stage = g_list_model_get_item (load->stages, i);
          Column *column = column_new (self, stage);

          g_ptr_array_add (self->columns, column);
          gtk_box_append (self->columns_box, column->box);
        }
      build_columns_in_view (self);
    }
  for (guint i = 0; i < n; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);

      column->count = g_array_index (load->counts, gint64, 2 * i);
      column->amount = g_array_index (load->counts, gint64, 2 * i + 1);
      column->counted = TRUE;
      column_show_totals (column);
    }
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "board" : "empty");
  if (n == 0)
    adw_status_page_set_description (self->empty, _("This product has no stages yet. Add them in Settings."));
}

typedef struct
{
  ScimPipelineBoard *self;
  Load              *load;
} LoadRequest;

static void
on_load_ready_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  LoadRequest *request = user_data;
  g_autoptr(ScimPipelineBoard) self = request->self;
  Load *load = request->load;
  g_autoptr(GError) error = NULL;
  gpointer done = scim_store_run_finish (SCIM_STORE (source), result, &error);

  g_free (request);
  self->busy--;
  if (done == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        say (self, error->message);
    }
  else
    on_load_done (self, load);
  load_free (load);
}

static void
reload (ScimPipelineBoard *self)
{
  LoadRequest *request;

  if (self->store == NULL)
    return;
  if (self->filter.product_id == 0)
    {
      clear_columns (self);
      adw_status_page_set_description (self->empty, _("Choose a product: the board shows the stages of one funnel."));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  request = g_new0 (LoadRequest, 1);
  request->self = g_object_ref (self);
  request->load = g_new0 (Load, 1);
  request->load->filter = self->filter;
  self->busy++;
  /* The job's data is freed by the callback, which reads it back. */
  scim_store_run_async (self->store, load_thread, request->load, NULL, self->cancellable, on_load_ready_cb, request);
}

static gboolean
refresh_timeout_cb (gpointer data)
{
  ScimPipelineBoard *self = data;

  self->refresh_source = 0;
  reload (self);
  return G_SOURCE_REMOVE;
}

static void
on_store_changed_cb (ScimStore         *store,
                     GPtrArray         *changes,
                     ScimPipelineBoard *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->dirty = TRUE;
      return;
    }
  /* The cards follow by themselves (each column's list); the totals and
   * the stages are read again a moment later. */
  if (self->refresh_source == 0)
    self->refresh_source = g_timeout_add (REFRESH_DELAY_MS, refresh_timeout_cb, self);
}

/* Moves */

typedef struct _Move
{
  ScimPipelineBoard *self;
  gint64             sale_id;
  gint64             from;
  gint64             from_until;
  gint64             to;
  char              *client;
  gboolean           undo;
} Move;

static void
move_free (Move *move)
{
  g_clear_object (&move->self);
  g_free (move->client);
  g_free (move);
}

static void start_move (ScimPipelineBoard *self,
                        Move              *move,
                        const char        *reason,
                        gint64             until);

/* One more move, back where it was (paused till the same day): the stage
 * history keeps both. */
static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ScimPipelineBoard *self = SCIM_PIPELINE_BOARD (widget);
  Move *done = g_steal_pointer (&self->last_move);
  Move *back;

  if (done == NULL)
    return;
  back = g_new0 (Move, 1);
  back->self = g_object_ref (self);
  back->sale_id = done->sale_id;
  back->from = done->to;
  back->to = done->from;
  back->client = g_strdup (done->client);
  back->undo = TRUE;
  start_move (self, back, _("Move undone"), done->from_until);
  move_free (done);
  gtk_widget_action_set_enabled (widget, "board.undo", FALSE);
}

typedef struct
{
  ScimPipelineBoard *self;
  gint64             sale_id;
  gint64             stage_id;
  guint              n_tasks;
} Offer;

static void
offer_free (gpointer data)
{
  Offer *offer = data;

  g_clear_object (&offer->self);
  g_free (offer);
}

static gpointer
apply_thread (ScimStore     *store,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  Offer *offer = data;
  gint added = scim_store_apply_plan_template (store, offer->sale_id, offer->stage_id, error);

  return added < 0 ? NULL : GINT_TO_POINTER (added + 1);
}

static void
on_applied_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ScimPipelineBoard) self = user_data;
  g_autoptr(GError) error = NULL;
  gpointer added = scim_store_run_finish (SCIM_STORE (source), result, &error);
  g_autofree char *text = NULL;
  guint n;

  self->busy--;
  if (added == NULL)
    {
      say (self, error->message);
      return;
    }
  n = GPOINTER_TO_UINT (added) - 1;
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u task added to the plan", "%u tasks added to the plan", n),
                          n);
  say (self, text);
}

/* The toast's button: the stage's usual tasks into the sale's plan. */
static void
add_usual_tasks_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  ScimPipelineBoard *self = SCIM_PIPELINE_BOARD (widget);
  Offer *offer = g_new0 (Offer, 1);

  g_variant_get (parameter, "(xx)", &offer->sale_id, &offer->stage_id);
  self->busy++;
  scim_store_run_async (self->store, apply_thread, offer, offer_free, NULL, on_applied_cb, g_object_ref (self));
}

static gpointer
template_thread (ScimStore     *store,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  Offer *offer = data;
  g_autoptr(GPtrArray) tasks = scim_store_get_plan_template (store, offer->stage_id, error);

  if (tasks == NULL)
    return NULL;
  offer->n_tasks = tasks->len;
  return GINT_TO_POINTER (TRUE);
}

static void
on_template_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Offer *offer = user_data;
  ScimPipelineBoard *self = offer->self;
  g_autoptr(GError) error = NULL;
  AdwToast *toast;
  g_autofree char *title = NULL;
  Column *column;

  self->busy--;
  if (scim_store_run_finish (SCIM_STORE (source), result, &error) == NULL || offer->n_tasks == 0 ||
      (column = find_column (self, offer->stage_id, NULL)) == NULL)
    {
      offer_free (offer);
      return;
    }
  /* The new stage's plan, offered once the move's own toast is read. */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "“%s” has %u usual task", "“%s” has %u usual tasks",
                                        offer->n_tasks),
                           column->name, offer->n_tasks);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Add to Plan"));
  adw_toast_set_timeout (toast, 10);
  adw_toast_set_action_name (toast, "board.add-usual-tasks");
  adw_toast_set_action_target_value (toast, g_variant_new ("(xx)", offer->sale_id, offer->stage_id));
  adw_toast_overlay_add_toast (self->toasts, toast);
  offer_free (offer);
}

static void
on_moved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Move *move = user_data;
  g_autoptr(ScimPipelineBoard) self = g_object_ref (move->self);
  g_autoptr(GError) error = NULL;
  Column *column;

  self->busy--;
  if (!scim_sale_move_finish (SCIM_STORE (source), result, &error))
    {
      self->follow_sale = self->follow_stage = 0;
      say (self, error->message);
      move_free (move);
      return;
    }
  column = find_column (self, move->to, NULL);
  if (move->undo)
    {
      say (self, _("Move undone"));
      move_free (move);
    }
  else
    {
      g_autofree char *title = g_strdup_printf (_("“%s” moved to “%s”"), move->client,
                                                column != NULL ? column->name : "");
      AdwToast *toast = adw_toast_new (title);

      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, "board.undo");
      adw_toast_overlay_add_toast (self->toasts, toast);

      /* Its usual tasks, for a stage still in work. */
      if (column != NULL && !scim_sale_move_needs_question (column->kind) && g_strcmp0 (column->kind, "won") != 0)
        {
          Offer *offer = g_new0 (Offer, 1);

          offer->self = g_object_ref (self);
          offer->sale_id = move->sale_id;
          offer->stage_id = move->to;
          self->busy++;
          scim_store_run_async (self->store, template_thread, offer, NULL, NULL, on_template_cb, offer);
        }
      g_clear_pointer (&self->last_move, move_free);
      self->last_move = move;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "board.undo", TRUE);
    }
  /* The lists follow the commit within a second; the totals at once. */
  reload (self);
}

static void
start_move (ScimPipelineBoard *self,
            Move              *move,
            const char        *reason,
            gint64             until)
{
  self->busy++;
  scim_sale_move_async (self->store, move->sale_id, move->from, move->to, reason, until, NULL, on_moved_cb, move);
}

static void
on_move_answered (GObject    *owner,
                  gint64      stage_id,
                  const char *reason,
                  gint64      until)
{
  ScimPipelineBoard *self = SCIM_PIPELINE_BOARD (owner);
  g_autoptr(ScimRecord) sale = g_steal_pointer (&self->asking);
  Move *move;

  if (sale == NULL)
    return;
  move = g_new0 (Move, 1);
  move->self = g_object_ref (self);
  move->sale_id = scim_record_get_id (sale);
  move->from = scim_record_get_int (sale, "stage-id");
  move->from_until = scim_record_get_int (sale, "paused-until");
  move->to = stage_id;
  move->client = g_strdup (scim_record_get_string (sale, "client"));
  start_move (self, move, reason, until);
}

/* A sale as it was shown, to @stage_id: the question first where the
 * stage asks one. */
static void
request_move (ScimPipelineBoard *self,
              ScimRecord        *sale,
              gint64             stage_id)
{
  Column *column = find_column (self, stage_id, NULL);

  if (column == NULL || scim_record_get_int (sale, "stage-id") == stage_id)
    return;
  g_set_object (&self->asking, sale);
  scim_sale_move_ask (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), stage_id, column->name, column->kind,
                       on_move_answered, G_OBJECT (self));
}

typedef struct
{
  ScimPipelineBoard *self;
  gint64             sale_id;
  gint64             stage_id;
} Lookup;

static gpointer
lookup_thread (ScimStore     *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  Lookup *lookup = data;

  return scim_store_load_rows (store, SCIM_LIST_SALES, &lookup->sale_id, 1, error);
}

static void
on_lookup_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Lookup *lookup = user_data;
  g_autoptr(ScimPipelineBoard) self = lookup->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = scim_store_run_finish (SCIM_STORE (source), result, &error);
  gint64 stage_id = lookup->stage_id;
  gint64 sale_id = lookup->sale_id;

  g_free (lookup);
  self->busy--;
  if (rows == NULL)
    {
      say (self, error->message);
      return;
    }
  if (rows->len == 1)
    {
      g_autoptr(ScimRecord) sale = scim_record_new (SCIM_TYPE_SALE, sale_id);

      scim_record_update (sale, g_ptr_array_index (rows, 0));
      request_move (self, sale, stage_id);
    }
  else
    say (self, _("The sale is no longer in the file: someone deleted it."));
}

/**
 * scim_pipeline_board_move:
 * @self: a #ScimPipelineBoard
 * @sale_id: a sale
 * @stage_id: a stage of the board's product
 *
 * Moves the sale as a drop of its card on the stage's column does: a lost
 * or paused stage asks first, and a toast offers to undo.
 */
void
scim_pipeline_board_move (ScimPipelineBoard *self,
                          gint64             sale_id,
                          gint64             stage_id)
{
  Lookup *lookup;

  g_return_if_fail (SCIM_IS_PIPELINE_BOARD (self));

  if (self->store == NULL)
    return;
  lookup = g_new0 (Lookup, 1);
  lookup->self = g_object_ref (self);
  lookup->sale_id = sale_id;
  lookup->stage_id = stage_id;
  self->busy++;
  scim_store_run_async (self->store, lookup_thread, lookup, NULL, NULL, on_lookup_cb, lookup);
}

static void
move_sale_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  gint64 sale_id, stage_id;

  g_variant_get (parameter, "(xx)", &sale_id, &stage_id);
  scim_pipeline_board_move (SCIM_PIPELINE_BOARD (widget), sale_id, stage_id);
}

/* GObject */

static void
scim_pipeline_board_dispose (GObject *object)
{
  ScimPipelineBoard *self = SCIM_PIPELINE_BOARD (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_object (&self->asking);
  g_clear_pointer (&self->last_move, move_free);
  g_clear_pointer ((GtkWidget **) &self->toasts, gtk_widget_unparent);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  G_OBJECT_CLASS (scim_pipeline_board_parent_class)->dispose (object);
}

static void
scim_pipeline_board_class_init (ScimPipelineBoardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_pipeline_board_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "pipelineboard");
  gtk_widget_class_install_action (widget_class, "board.move-sale", "(xx)", move_sale_action);
  gtk_widget_class_install_action (widget_class, "board.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "board.add-usual-tasks", "(xx)", add_usual_tasks_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "board.undo", NULL);
}

static void
scim_pipeline_board_init (ScimPipelineBoard *self)
{
  GtkWidget *scroller;

  self->columns = g_ptr_array_new_with_free_func (column_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "board.undo", FALSE);
  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  self->stack = GTK_STACK (gtk_stack_new ());
  self->empty = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->empty, "scim-board-symbolic");
  adw_status_page_set_title (self->empty, _("No Board"));
  adw_status_page_set_description (self->empty, _("Choose a product: the board shows the stages of one funnel."));
  self->columns_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12));
  gtk_widget_set_margin_start (GTK_WIDGET (self->columns_box), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->columns_box), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->columns_box), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->columns_box), 6);
  scroller = gtk_scrolled_window_new ();
  self->scroller = GTK_SCROLLED_WINDOW (scroller);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->columns_box));
  g_signal_connect_object (gtk_scrolled_window_get_hadjustment (self->scroller), "value-changed",
                           G_CALLBACK (on_scrolled_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (gtk_scrolled_window_get_hadjustment (self->scroller), "changed",
                           G_CALLBACK (on_scrolled_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect (self, "map", G_CALLBACK (on_map_changed_cb), self);
  g_signal_connect (self, "unmap", G_CALLBACK (on_map_changed_cb), self);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->empty), "empty");
  gtk_stack_add_named (self->stack, scroller, "board");
  adw_toast_overlay_set_child (self->toasts, GTK_WIDGET (self->stack));
  gtk_widget_set_parent (GTK_WIDGET (self->toasts), GTK_WIDGET (self));
}

/**
 * scim_pipeline_board_new:
 *
 * Returns: (transfer floating): a new, empty board
 */
GtkWidget *
scim_pipeline_board_new (void)
{
  return g_object_new (SCIM_TYPE_PIPELINE_BOARD, NULL);
}

/**
 * scim_pipeline_board_set_store:
 * @self: a #ScimPipelineBoard
 * @store: (nullable): the open file
 */
void
scim_pipeline_board_set_store (ScimPipelineBoard *self,
                               ScimStore         *store)
{
  g_return_if_fail (SCIM_IS_PIPELINE_BOARD (self));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (!g_set_object (&self->store, store))
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  clear_columns (self);
  memset (&self->filter, 0, sizeof self->filter);
  self->stale = self->dirty = FALSE;
  if (store != NULL)
    {
      self->cancellable = g_cancellable_new ();
      g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self, G_CONNECT_DEFAULT);
    }
}

/**
 * scim_pipeline_board_set_filter:
 * @self: a #ScimPipelineBoard
 * @filter: the product and which of its sales
 *
 * Shows the product's stages with the sales @filter lets through.
 */
void
scim_pipeline_board_set_filter (ScimPipelineBoard     *self,
                                const ScimBoardFilter *filter)
{
  g_return_if_fail (SCIM_IS_PIPELINE_BOARD (self));
  g_return_if_fail (filter != NULL);

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->pending = *filter;
      self->stale = TRUE;
      return;
    }
  if (memcmp (filter, &self->filter, sizeof *filter) == 0 && self->columns->len > 0)
    return;
  if (filter->product_id != self->filter.product_id)
    clear_columns (self);
  self->filter = *filter;
  /* Columns of the same stages keep their widgets and take the new query. */
  for (guint i = 0; i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);
      g_autoptr(ScimQuery) query = column_query (self, column->stage_id);

      column->counted = FALSE;
      column_show_totals (column);
      gtk_slice_list_model_set_size (column->slice, CARDS_CHUNK);
      scim_record_list_set_query (column->list, query);
    }
  reload (self);
}

guint
scim_pipeline_board_get_n_columns (ScimPipelineBoard *self)
{
  g_return_val_if_fail (SCIM_IS_PIPELINE_BOARD (self), 0);
  return self->columns->len;
}

static Column *
column_at (ScimPipelineBoard *self,
           guint              index)
{
  g_return_val_if_fail (SCIM_IS_PIPELINE_BOARD (self), NULL);
  g_return_val_if_fail (index < self->columns->len, NULL);
  return g_ptr_array_index (self->columns, index);
}

gint64
scim_pipeline_board_get_stage (ScimPipelineBoard *self,
                               guint              index)
{
  Column *column = column_at (self, index);

  return column != NULL ? column->stage_id : 0;
}

/**
 * scim_pipeline_board_get_cards:
 *
 * Returns: (transfer none): the cards the column can show, as its view sees them
 */
GListModel *
scim_pipeline_board_get_cards (ScimPipelineBoard *self,
                               guint              index)
{
  Column *column = column_at (self, index);

  return column != NULL ? G_LIST_MODEL (column->selection) : NULL;
}

/**
 * scim_pipeline_board_get_view:
 *
 * Returns: (transfer none): the column's list view
 */
GtkWidget *
scim_pipeline_board_get_view (ScimPipelineBoard *self,
                              guint              index)
{
  Column *column = column_at (self, index);

  return column != NULL ? column->view : NULL;
}

/**
 * scim_pipeline_board_get_drop_target:
 *
 * Returns: (transfer none): what takes a card dropped on the column
 */
GtkDropTarget *
scim_pipeline_board_get_drop_target (ScimPipelineBoard *self,
                                     guint              index)
{
  Column *column = column_at (self, index);

  return column != NULL ? column->drop : NULL;
}

/**
 * scim_pipeline_board_dup_totals:
 *
 * Returns: (transfer full) (nullable): the column's count and amount as
 *   its header says them, %NULL until counted
 */
char *
scim_pipeline_board_dup_totals (ScimPipelineBoard *self,
                                guint              index)
{
  Column *column = column_at (self, index);

  if (column == NULL || !column->counted)
    return NULL;
  return g_strdup (gtk_label_get_label (column->totals));
}

/* Whether a load or a move is on its way. */
gboolean
scim_pipeline_board_get_busy (ScimPipelineBoard *self)
{
  g_return_val_if_fail (SCIM_IS_PIPELINE_BOARD (self), FALSE);

  if (self->busy > 0 || self->refresh_source != 0)
    return TRUE;
  for (guint i = 0; i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);

      if (scim_record_list_get_loading (column->list))
        return TRUE;
    }
  return FALSE;
}
