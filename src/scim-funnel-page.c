/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-funnel-page"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "scim-choices.h"
#include "scim-funnel-chart.h"
#include "scim-funnel-page.h"
#include "scim-pipeline-board.h"
#include "scim-wrap-layout.h"
#include "scim-record-table.h"
#include "scim-sale-window.h"

/* The Funnel module, what the head of sales opens first every morning:
 * the picture (in work now, or reached), its controls (product or all
 * products, salesperson, client audience, period of entry, as of a past
 * date), and the tables: stages, the breakdowns the customer asks for by
 * name, salespeople, cross-sell and the forecast.  A band or a stage lists
 * its sales; a sale opens its plan.  Every table exports to CSV; the
 * picture exports to PNG, SVG and PDF and prints.  All numbers are computed
 * on a worker.  The other view is the pipeline board of the chosen
 * product, under the same salesperson, audience and period. */

typedef struct
{
  GPtrArray *headers;   /* char* */
  GPtrArray *rows;      /* GStrv */
} Table;

/* A day of the replay every so often, once the last one is drawn. */
#define REPLAY_STEP_MS 350

struct _ScimFunnelPage
{
  GtkWidget        parent_instance;

  GtkDropDown     *product_dropdown;
  GtkDropDown     *owner_dropdown;
  GtkDropDown     *audience_dropdown;
  GtkDropDown     *period_dropdown;
  GtkDropDown     *compare_dropdown;
  GtkEntry        *as_of_entry;
  GtkToggleButton *reached_button;
  ScimFunnelChart *chart;
  GtkLabel        *summary_label;
  GtkLabel        *forecast_label;
  AdwViewStack    *tables;
  GtkGrid         *stages_grid;
  GtkGrid         *pivot_grid;
  GtkDropDown     *pivot_dropdown;
  GtkGrid         *people_grid;
  GtkGrid         *cross_grid;
  ScimRecordTable *sales_table;
  ScimRecordTable *stuck_table;
  GtkStack        *views;
  GtkToggleButton *board_button;
  ScimPipelineBoard *board;
  GtkWidget       *picture_tools[5];
  gboolean         picture_stale;

  ScimStore       *store;
  GListModel      *products;
  GListModel      *users;
  GListModel      *audiences;
  GCancellable    *cancellable;
  guint            refresh_source;
  /* Replay: the funnel as of each day of a range, day by day. */
  GtkToggleButton *replay_button;
  GtkRevealer     *replay_bar;
  GtkDropDown     *replay_range;
  GtkScale        *replay_scale;
  GtkButton       *replay_play;
  GtkLabel        *replay_label;
  guint            replay_timer;
  guint            busy;
  gint64           stage_id;
  gint64           drill_owner;
  gint64           drill_client;
  gint64           drill_product;
  Table            stages_table, pivot_table, people_table, cross_table;
};

G_DEFINE_FINAL_TYPE (ScimFunnelPage, scim_funnel_page, GTK_TYPE_WIDGET)

static void refresh (ScimFunnelPage *self);

static void
table_clear (Table *table)
{
  g_clear_pointer (&table->headers, g_ptr_array_unref);
  g_clear_pointer (&table->rows, g_ptr_array_unref);
}

static void
table_start (Table              *table,
             const char * const *headers)
{
  table_clear (table);
  table->headers = g_ptr_array_new_with_free_func (g_free);
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (guint i = 0; headers[i] != NULL; i++)
    g_ptr_array_add (table->headers, g_strdup (headers[i]));
}

static void
table_add (Table *table,
           ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  va_list args;
  const char *cell;

  va_start (args, table);
  for (guint i = 0; i < table->headers->len; i++)
    {
      cell = va_arg (args, const char *);
      g_strv_builder_add (builder, cell != NULL ? cell : "");
    }
  va_end (args);
  g_ptr_array_add (table->rows, g_strv_builder_end (builder));
}

/* Shows a table in a grid: a bold header, numbers right-aligned. */
static void
table_show (Table   *table,
            GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
  if (table->headers == NULL)
    return;
  for (guint c = 0; c < table->headers->len; c++)
    {
      GtkWidget *label = gtk_label_new (g_ptr_array_index (table->headers, c));

      gtk_widget_add_css_class (label, "heading");
      gtk_label_set_xalign (GTK_LABEL (label), c == 0 ? 0.0f : 1.0f);
      gtk_grid_attach (grid, label, (int) c, 0, 1, 1);
    }
  for (guint r = 0; r < table->rows->len; r++)
    {
      GStrv row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; row[c] != NULL; c++)
        {
          GtkWidget *label = gtk_label_new (row[c]);

          gtk_label_set_xalign (GTK_LABEL (label), c == 0 ? 0.0f : 1.0f);
          gtk_label_set_selectable (GTK_LABEL (label), TRUE);
          if (c > 0)
            gtk_widget_add_css_class (label, "numeric");
          gtk_grid_attach (grid, label, (int) c, (int) r + 1, 1, 1);
        }
    }
}

static char *
csv_field (const char *text)
{
  if (strpbrk (text, ",\"\n\r") == NULL)
    return g_strdup (text);
  {
    g_autoptr(GString) out = g_string_new ("\"");
    for (const char *p = text; *p != '\0'; p++)
      {
        if (*p == '"')
          g_string_append_c (out, '"');
        g_string_append_c (out, *p);
      }
    g_string_append_c (out, '"');
    return g_string_free (g_steal_pointer (&out), FALSE);
  }
}

/* The table as UTF-8 CSV with a header row. */
static char *
table_to_csv (Table *table)
{
  g_autoptr(GString) csv = g_string_new (NULL);

  for (guint c = 0; c < table->headers->len; c++)
    {
      g_autofree char *field = csv_field (g_ptr_array_index (table->headers, c));
      g_string_append_printf (csv, "%s%s", c > 0 ? "," : "", field);
    }
  g_string_append (csv, "\r\n");
  for (guint r = 0; r < table->rows->len; r++)
    {
      GStrv row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; row[c] != NULL; c++)
        {
          g_autofree char *field = csv_field (row[c]);
          g_string_append_printf (csv, "%s%s", c > 0 ? "," : "", field);
        }
      g_string_append (csv, "\r\n");
    }
  return g_string_free (g_steal_pointer (&csv), FALSE);
}

static char *
percent (double value)
{
  return value < 0 ? g_strdup ("—") : g_strdup_printf ("%.0f%%", value * 100);
}

/* Filters */


static const guint replay_days[] = { 30, 90, 365 };

/* The last second of @day in @zone, in UTC seconds: a funnel "as of" a
 * day stands at its end. */
static gint64
end_of_day (GTimeZone *zone,
            GDateTime *day)
{
  g_autoptr(GDateTime) end = g_date_time_new (zone, g_date_time_get_year (day), g_date_time_get_month (day),
                                              g_date_time_get_day_of_month (day), 23, 59, 59);

  return g_date_time_to_unix (end);
}

/* The day the replay's slider stands on: its end, in UTC seconds. */
static gint64
replay_moment (ScimFunnelPage *self)
{
  g_autoptr(GTimeZone) zone = scim_local_zone ();
  g_autoptr(GDateTime) now = g_date_time_new_now (zone);
  guint range = MIN (gtk_drop_down_get_selected (self->replay_range), G_N_ELEMENTS (replay_days) - 1);
  int back = (int) replay_days[range] - (int) gtk_range_get_value (GTK_RANGE (self->replay_scale));
  g_autoptr(GDateTime) day = g_date_time_add_days (now, -back);

  return end_of_day (zone, day);
}

static gboolean
read_filter (ScimFunnelPage   *self,
             ScimFunnelFilter *filter)
{
  static const int months[] = { 0, 1, 3, 12 };
  guint period = gtk_drop_down_get_selected (self->period_dropdown);
  const char *as_of = gtk_editable_get_text (GTK_EDITABLE (self->as_of_entry));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  memset (filter, 0, sizeof *filter);
  filter->product_id = scim_choices_get_id (self->product_dropdown);
  filter->owner_id = scim_choices_get_id (self->owner_dropdown);
  filter->audience_id = scim_choices_get_id (self->audience_dropdown);
  if (period > 0 && period < G_N_ELEMENTS (months))
    {
      g_autoptr(GDateTime) since = g_date_time_add_months (now, -months[period]);
      filter->entered_since = g_date_time_to_unix (since);
    }
  if (gtk_toggle_button_get_active (self->replay_button))
    {
      filter->as_of = replay_moment (self);
      gtk_widget_remove_css_class (GTK_WIDGET (self->as_of_entry), "error");
      return TRUE;
    }
  if (as_of != NULL && as_of[0] != '\0')
    {
      int y, m, d;
      g_autoptr(GDateTime) day = NULL;

      if ((sscanf (as_of, "%4d-%2d-%2d", &y, &m, &d) != 3 && sscanf (as_of, "%2d.%2d.%4d", &d, &m, &y) != 3) ||
          (day = g_date_time_new_local (y, m, d, 23, 59, 59)) == NULL)
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->as_of_entry), "error");
          return FALSE;
        }
      filter->as_of = g_date_time_to_unix (day);
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->as_of_entry), "error");
  return TRUE;
}

/* Loading */

typedef enum
{
  COMPARE_NONE,
  COMPARE_30_DAYS,
  COMPARE_LAST_MONTH,
  COMPARE_YEAR,
} Compare;

/* The moment the funnel is compared with: the end of the day 30 days or
 * a year before the one shown, or the end of the month before its month. */
static gint64
compare_moment (Compare kind,
                gint64  shown)
{
  g_autoptr(GTimeZone) zone = scim_local_zone ();
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (shown);
  g_autoptr(GDateTime) base = g_date_time_to_timezone (utc, zone);
  g_autoptr(GDateTime) day = NULL;

  switch (kind)
    {
    case COMPARE_30_DAYS:
      day = g_date_time_add_days (base, -30);
      break;
    case COMPARE_YEAR:
      day = g_date_time_add_years (base, -1);
      break;
    case COMPARE_LAST_MONTH:
      {
        g_autoptr(GDateTime) first = g_date_time_new (zone, g_date_time_get_year (base), g_date_time_get_month (base),
                                                      1, 0, 0, 0);

        return g_date_time_to_unix (first) - 1;
      }
    case COMPARE_NONE:
    default:
      return 0;
    }
  return end_of_day (zone, day);
}

typedef struct
{
  ScimFunnelFilter filter;
  ScimFunnelFilter compare_filter;   /* compared with when as_of is set */
  ScimPivotKind    pivot_kind;
  gboolean         funnel_only;      /* a replay step: the picture and its stages */
  GPtrArray       *funnels;
  ScimFunnel      *compare;
  ScimPivot       *pivot;
  GPtrArray       *people;
  GPtrArray       *cross;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_pointer (&job->funnels, g_ptr_array_unref);
  g_clear_pointer (&job->compare, scim_funnel_free);
  g_clear_pointer (&job->pivot, scim_pivot_free);
  g_clear_pointer (&job->people, g_ptr_array_unref);
  g_clear_pointer (&job->cross, g_ptr_array_unref);
  g_free (job);
}

static gpointer
compute_thread (ScimStore     *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  Job *job = data;
  Job *out = g_new0 (Job, 1);

  *out = *job;
  out->funnels = NULL;
  out->compare = NULL;
  if (job->filter.product_id != 0)
    {
      ScimFunnel *funnel = scim_store_funnel (store, &job->filter, error);

      if (funnel == NULL)
        goto failed;
      out->funnels = g_ptr_array_new_with_free_func ((GDestroyNotify) scim_funnel_free);
      g_ptr_array_add (out->funnels, funnel);
      if (job->compare_filter.as_of != 0 &&
          (out->compare = scim_store_funnel (store, &job->compare_filter, error)) == NULL)
        goto failed;
    }
  else if ((out->funnels = scim_store_funnels (store, &job->filter, error)) == NULL)
    goto failed;
  if (job->funnel_only)
    return out;
  if ((out->pivot = scim_store_pivot (store, job->pivot_kind, &job->filter, 50, error)) == NULL ||
      (out->people = scim_store_performance (store, &job->filter, error)) == NULL ||
      (out->cross = scim_store_cross_sell (store, 200, error)) == NULL)
    goto failed;
  return out;

failed:
  job_free (out);
  return NULL;
}

static void
show_stages (ScimFunnelPage *self,
             GPtrArray      *funnels)
{
  static const char *headers[] = { N_("Stage"), N_("Sales"), N_("Amount"), N_("Weighted"), N_("Reached"),
                                   N_("Share"), N_("To next"), N_("Avg days"), N_("Stuck"), NULL };
  const char *translated[G_N_ELEMENTS (headers)];

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    translated[i] = headers[i] != NULL ? _(headers[i]) : NULL;
  table_start (&self->stages_table, translated);

  for (guint f = 0; f < funnels->len; f++)
    {
      ScimFunnel *funnel = g_ptr_array_index (funnels, f);

      for (guint i = 0; i < funnel->stages->len; i++)
        {
          ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, i);
          g_autofree char *name = funnels->len > 1 ? g_strdup_printf ("%s · %s", funnel->product, stage->name)
                                                   : g_strdup (stage->name);
          g_autofree char *count = g_strdup_printf ("%u", stage->count);
          g_autofree char *amount = scim_format_money (stage->amount);
          g_autofree char *weighted = scim_format_money (stage->weighted_amount);
          g_autofree char *reached = g_strdup_printf ("%u", stage->reached);
          g_autofree char *share = percent (stage->share);
          g_autofree char *next = percent (stage->conversion);
          g_autofree char *days = g_strdup_printf ("%.1f", stage->avg_days);
          g_autofree char *stuck = g_strdup_printf ("%u", stage->stuck);

          table_add (&self->stages_table, name, count, amount, weighted, reached, share, next, days, stuck);
        }
    }
  table_show (&self->stages_table, self->stages_grid);
}

static void on_cell_clicked_cb (GtkButton      *button,
                                ScimFunnelPage *self);

static void
show_pivot (ScimFunnelPage *self,
            ScimPivot      *pivot,
            ScimPivotKind   kind)
{
  g_autoptr(GPtrArray) headers = g_ptr_array_new ();
  guint rows = pivot->row_names->len;
  guint cols = pivot->column_names->len;
  g_autofree guint *col_totals = g_new0 (guint, cols + 1);

  g_ptr_array_add (headers, (gpointer) "");
  for (guint c = 0; c < cols; c++)
    g_ptr_array_add (headers, g_ptr_array_index (pivot->column_names, c));
  g_ptr_array_add (headers, (gpointer) _("Total"));
  g_ptr_array_add (headers, NULL);
  table_start (&self->pivot_table, (const char * const *) headers->pdata);

  for (guint r = 0; r < rows; r++)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      guint total = 0;

      g_strv_builder_add (builder, g_ptr_array_index (pivot->row_names, r));
      for (guint c = 0; c < cols; c++)
        {
          guint count = g_array_index (pivot->counts, guint, r * cols + c);
          g_autofree char *text = count > 0 ? g_strdup_printf ("%u", count) : g_strdup ("");

          g_strv_builder_add (builder, text);
          total += count;
          col_totals[c] += count;
        }
      col_totals[cols] += total;
      {
        g_autofree char *text = g_strdup_printf ("%u", total);
        g_strv_builder_add (builder, text);
      }
      g_ptr_array_add (self->pivot_table.rows, g_strv_builder_end (builder));
    }
  {
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

    g_strv_builder_add (builder, _("Total"));
    for (guint c = 0; c <= cols; c++)
      {
        g_autofree char *text = g_strdup_printf ("%u", col_totals[c]);
        g_strv_builder_add (builder, text);
      }
    g_ptr_array_add (self->pivot_table.rows, g_strv_builder_end (builder));
  }
  table_show (&self->pivot_table, self->pivot_grid);

  /* Each number is a button that lists its sales. */
  for (guint r = 0; r < rows; r++)
    for (guint c = 0; c < cols; c++)
      {
        guint count = g_array_index (pivot->counts, guint, r * cols + c);
        GtkWidget *cell = gtk_grid_get_child_at (self->pivot_grid, (int) c + 1, (int) r + 1);
        g_autofree char *text = NULL;
        GtkWidget *button;

        if (count == 0 || cell == NULL)
          continue;
        text = g_strdup_printf ("%u", count);
        button = gtk_button_new_with_label (text);
        gtk_widget_add_css_class (button, "flat");
        gtk_widget_set_halign (button, GTK_ALIGN_END);
        gtk_widget_set_tooltip_text (button, _("List these sales"));
        g_object_set_data (G_OBJECT (button), "scim-kind", GINT_TO_POINTER (kind));
        g_object_set_data (G_OBJECT (button), "scim-row",
                           GSIZE_TO_POINTER (g_array_index (pivot->row_ids, gint64, r)));
        g_object_set_data (G_OBJECT (button), "scim-column",
                           GSIZE_TO_POINTER (g_array_index (pivot->column_ids, gint64, c)));
        if (pivot->cell_stage_ids != NULL)
          g_object_set_data (G_OBJECT (button), "scim-stage",
                             GSIZE_TO_POINTER (g_array_index (pivot->cell_stage_ids, gint64, r * cols + c)));
        g_signal_connect_object (button, "clicked", G_CALLBACK (on_cell_clicked_cb), self, G_CONNECT_DEFAULT);
        gtk_grid_remove (self->pivot_grid, cell);
        gtk_grid_attach (self->pivot_grid, button, (int) c + 1, (int) r + 1, 1, 1);
      }
}

static void
show_people (ScimFunnelPage *self,
             GPtrArray      *people)
{
  const char *headers[] = { _("Salesperson"), _("In work"), _("Won"), _("Lost"), _("Conversion"),
                            _("Overdue tasks"), _("Avg cycle, days"), NULL };

  table_start (&self->people_table, headers);
  for (guint i = 0; i < people->len; i++)
    {
      ScimPerformance *p = g_ptr_array_index (people, i);
      g_autofree char *in_work = g_strdup_printf ("%u", p->in_work);
      g_autofree char *won = g_strdup_printf ("%u", p->won);
      g_autofree char *lost = g_strdup_printf ("%u", p->lost);
      g_autofree char *conversion = percent (p->won + p->lost > 0 ? p->conversion : -1);
      g_autofree char *overdue = g_strdup_printf ("%u", p->overdue_tasks);
      g_autofree char *cycle = g_strdup_printf ("%.0f", p->avg_cycle_days);

      table_add (&self->people_table, p->name, in_work, won, lost, conversion, overdue, cycle);
    }
  table_show (&self->people_table, self->people_grid);
}

static void
show_cross (ScimFunnelPage *self,
            GPtrArray      *cross)
{
  const char *headers[] = { _("Client"), _("Buys"), _("May also want"), _("Target audience"), NULL };

  table_start (&self->cross_table, headers);
  for (guint i = 0; i < cross->len; i++)
    {
      ScimCrossSell *c = g_ptr_array_index (cross, i);
      table_add (&self->cross_table, c->client, c->has_product, c->fits_product, c->audience);
    }
  table_show (&self->cross_table, self->cross_grid);
}

static void
show_summary (ScimFunnelPage *self,
              GPtrArray      *funnels)
{
  guint in_work = 0, won = 0, lost = 0, paused = 0;
  gint64 amount = 0, forecast = 0, configured = 0;
  double wins = 0, wins_configured = 0;
  g_autofree char *money = NULL;
  g_autofree char *forecast_money = NULL;
  g_autofree char *configured_money = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *forecast_text = NULL;

  for (guint i = 0; i < funnels->len; i++)
    {
      ScimFunnel *f = g_ptr_array_index (funnels, i);

      in_work += f->in_work;
      amount += f->in_work_amount;
      won += f->won;
      lost += f->lost;
      paused += f->paused;
      forecast += f->forecast_amount;
      configured += f->forecast_amount_configured;
      wins += f->forecast_wins;
      wins_configured += f->forecast_wins_configured;
    }
  money = scim_format_amount (amount);
  forecast_money = scim_format_amount (forecast);
  configured_money = scim_format_amount (configured);
  summary = g_strdup_printf (_("In work: %u sales, %s · won %u · lost %u · paused %u"), in_work, money, won, lost,
                             paused);
  forecast_text = g_strdup_printf (_("Forecast from the conversion seen in the history: %.0f wins, %s. "
                                     "From the stages’ probabilities: %.0f wins, %s."),
                                   wins, forecast_money, wins_configured, configured_money);
  gtk_label_set_label (self->summary_label, summary);
  gtk_label_set_label (self->forecast_label, forecast_text);
}

static void
on_computed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ScimFunnelPage) self = user_data;
  g_autoptr(GError) error = NULL;
  Job *job = scim_store_run_finish (SCIM_STORE (source), result, &error);

  self->busy--;
  if (job == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_widget_activate_action (GTK_WIDGET (self), "win.show-error", "s", error->message);
      return;
    }
  show_stages (self, job->funnels);
  if (!job->funnel_only)
    {
      show_pivot (self, job->pivot, job->pivot_kind);
      show_people (self, job->people);
      show_cross (self, job->cross);
    }
  show_summary (self, job->funnels);
  scim_funnel_chart_set_funnels (self->chart, g_steal_pointer (&job->funnels));
  if (job->compare != NULL)
    {
      g_autofree char *then_date = scim_format_date (job->compare_filter.as_of);
      g_autofree char *now_date = job->filter.as_of != 0 ? scim_format_date (job->filter.as_of) : NULL;
      /* Translators: the title over a funnel compared with another: the
       * funnel as it stood at the end of that day. */
      g_autofree char *then_title = g_strdup_printf (_("As of %s"), then_date);
      g_autofree char *now_title = now_date != NULL ? g_strdup_printf (_("As of %s"), now_date)
                                                     /* Translators: the title over the funnel as it stands. */
                                                     : g_strdup (_("Now"));

      scim_funnel_chart_set_compare (self->chart, g_steal_pointer (&job->compare), now_title, then_title);
    }
  else
    scim_funnel_chart_set_compare (self->chart, NULL, NULL, NULL);
  job_free (job);
}

static void refresh_job (ScimFunnelPage *self,
                         gboolean        funnel_only);

static void
refresh (ScimFunnelPage *self)
{
  refresh_job (self, FALSE);
}

static void
refresh_job (ScimFunnelPage *self,
             gboolean        funnel_only)
{
  Job *job;

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->store == NULL)
    return;
  job = g_new0 (Job, 1);
  if (!read_filter (self, &job->filter))
    {
      g_free (job);
      return;
    }
  {
    ScimBoardFilter board = { job->filter.product_id, job->filter.owner_id, job->filter.audience_id,
                              job->filter.entered_since };

    scim_pipeline_board_set_filter (self->board, &board);
  }
  /* The board follows by itself; the picture is computed when next shown. */
  if (gtk_toggle_button_get_active (self->board_button))
    {
      self->picture_stale = TRUE;
      g_free (job);
      return;
    }
  self->picture_stale = FALSE;
  job->pivot_kind = (ScimPivotKind) gtk_drop_down_get_selected (self->pivot_dropdown);
  job->funnel_only = funnel_only;
  /* Comparing is for one product: the grid of all has no room for it. */
  if (job->filter.product_id != 0)
    {
      Compare compare = (Compare) gtk_drop_down_get_selected (self->compare_dropdown);

      job->compare_filter = job->filter;
      job->compare_filter.as_of = compare_moment (compare, job->filter.as_of != 0 ? job->filter.as_of
                                                                                   : g_get_real_time () / G_USEC_PER_SEC);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->busy++;
  scim_store_run_async (self->store, compute_thread, job, job_free, self->cancellable, on_computed_cb,
                        g_object_ref (self));
  if (funnel_only)
    return;
  scim_record_table_refilter (self->sales_table);
  scim_record_table_refilter (self->stuck_table);
}

/* Replay */

static void
show_replay_day (ScimFunnelPage *self)
{
  g_autofree char *day = scim_format_date (replay_moment (self));

  gtk_label_set_label (self->replay_label, day);
}

static void
stop_replay (ScimFunnelPage *self)
{
  g_clear_handle_id (&self->replay_timer, g_source_remove);
  gtk_button_set_icon_name (self->replay_play, "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->replay_play), _("Play"));
}

/* A step of the play: the next day once the last one is drawn, so that a
 * slow file shows every day rather than skipping. */
static gboolean
replay_tick_cb (gpointer data)
{
  ScimFunnelPage *self = data;
  double value = gtk_range_get_value (GTK_RANGE (self->replay_scale));
  GtkAdjustment *adjustment = gtk_range_get_adjustment (GTK_RANGE (self->replay_scale));

  if (self->busy > 0)
    return G_SOURCE_CONTINUE;
  gtk_range_set_value (GTK_RANGE (self->replay_scale), value + 1);
  if (value + 1 < gtk_adjustment_get_upper (adjustment))
    return G_SOURCE_CONTINUE;
  /* Today is the last day. */
  self->replay_timer = 0;
  stop_replay (self);
  return G_SOURCE_REMOVE;
}

static void
on_replay_play_cb (GtkButton      *button,
                   ScimFunnelPage *self)
{
  GtkAdjustment *adjustment = gtk_range_get_adjustment (GTK_RANGE (self->replay_scale));

  if (self->replay_timer != 0)
    {
      stop_replay (self);
      return;
    }
  /* From the start again once at the end. */
  if (gtk_range_get_value (GTK_RANGE (self->replay_scale)) >= gtk_adjustment_get_upper (adjustment))
    gtk_range_set_value (GTK_RANGE (self->replay_scale), 0);
  self->replay_timer = g_timeout_add (REPLAY_STEP_MS, replay_tick_cb, self);
  gtk_button_set_icon_name (self->replay_play, "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->replay_play), _("Pause"));
}

static void
on_replay_scale_changed_cb (GtkRange       *range,
                            ScimFunnelPage *self)
{
  show_replay_day (self);
  refresh_job (self, TRUE);
}

static void
set_replay_range (ScimFunnelPage *self)
{
  guint range = MIN (gtk_drop_down_get_selected (self->replay_range), G_N_ELEMENTS (replay_days) - 1);
  GtkAdjustment *adjustment = gtk_range_get_adjustment (GTK_RANGE (self->replay_scale));

  gtk_adjustment_configure (adjustment, 0, 0, replay_days[range], 1, 7, 0);
}

static void
on_replay_range_cb (GObject        *object,
                    GParamSpec     *pspec,
                    ScimFunnelPage *self)
{
  set_replay_range (self);
  show_replay_day (self);
  refresh_job (self, TRUE);
}

static void
on_replay_toggled_cb (GtkToggleButton *button,
                      ScimFunnelPage  *self)
{
  gboolean on = gtk_toggle_button_get_active (button);

  gtk_revealer_set_reveal_child (self->replay_bar, on);
  /* The slider says the day while it is out. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->as_of_entry), !on);
  if (!on)
    stop_replay (self);
  show_replay_day (self);
  refresh (self);
}

/* The picture and its tools, or the board. */
static void
on_view_toggled_cb (GtkToggleButton *button,
                    ScimFunnelPage  *self)
{
  gboolean board = gtk_toggle_button_get_active (self->board_button);

  if (board && gtk_toggle_button_get_active (self->replay_button))
    gtk_toggle_button_set_active (self->replay_button, FALSE);
  gtk_stack_set_visible_child_name (self->views, board ? "board" : "picture");
  for (guint i = 0; i < G_N_ELEMENTS (self->picture_tools); i++)
    gtk_widget_set_visible (self->picture_tools[i], !board);
  if (!board && self->picture_stale)
    refresh (self);
}

static void
on_control_changed_cb (GObject        *object,
                       GParamSpec     *pspec,
                       ScimFunnelPage *self)
{
  refresh (self);
}

static void
on_as_of_activated_cb (GtkEntry       *entry,
                       ScimFunnelPage *self)
{
  refresh (self);
}

static void
on_mode_toggled_cb (GtkToggleButton *button,
                    ScimFunnelPage  *self)
{
  scim_funnel_chart_set_mode (self->chart, gtk_toggle_button_get_active (self->reached_button)
                                           ? SCIM_FUNNEL_REACHED : SCIM_FUNNEL_IN_WORK);
}

static gboolean
refresh_timeout_cb (gpointer data)
{
  ScimFunnelPage *self = data;

  self->refresh_source = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

static void
on_store_changed_cb (ScimStore      *store,
                     GPtrArray      *changes,
                     ScimFunnelPage *self)
{
  /* Another user's commit: the picture follows within a couple of seconds. */
  if (self->refresh_source == 0)
    self->refresh_source = g_timeout_add (700, refresh_timeout_cb, self);
}

/* The sales of a band */

static void
adjust_sales (ScimQuery *query,
              gpointer   user_data)
{
  ScimFunnelPage *self = user_data;
  ScimFunnelFilter filter;

  read_filter (self, &filter);
  query->owner_id = self->drill_owner != 0 ? self->drill_owner : filter.owner_id;
  query->product_id = self->drill_product != 0 ? self->drill_product : filter.product_id;
  query->client_id = self->drill_client;
  query->audience_id = filter.audience_id;
  query->since = filter.entered_since;
  /* Nothing listed before a band or a cell is chosen. */
  if (self->stage_id != 0)
    query->stage_id = self->stage_id;
  else if (self->drill_owner == 0 && self->drill_client == 0 && self->drill_product == 0)
    query->stage_id = -1;
}

static void
adjust_stuck (ScimQuery *query,
              gpointer   user_data)
{
  ScimFunnelPage *self = user_data;
  ScimFunnelFilter filter;

  read_filter (self, &filter);
  query->owner_id = filter.owner_id;
  query->product_id = filter.product_id;
  query->audience_id = filter.audience_id;
  query->since = filter.entered_since;
  query->signal = SCIM_SALE_SIGNAL_STUCK;
}

/**
 * scim_funnel_page_show_stage:
 * @self: a #ScimFunnelPage
 * @stage_id: a stage
 *
 * Lists the sales standing at the stage, as a click on its band does.
 */
void
scim_funnel_page_show_stage (ScimFunnelPage *self,
                             gint64          stage_id)
{
  g_return_if_fail (SCIM_IS_FUNNEL_PAGE (self));

  self->stage_id = stage_id;
  self->drill_owner = self->drill_client = self->drill_product = 0;
  scim_record_table_refilter (self->sales_table);
  adw_view_stack_set_visible_child_name (self->tables, "sales");
}

static void
on_cell_clicked_cb (GtkButton      *button,
                    ScimFunnelPage *self)
{
  ScimPivotKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "scim-kind"));
  gint64 row = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "scim-row"));
  gint64 column = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "scim-column"));
  gint64 stage = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "scim-stage"));

  /* A cell lists the sales behind its number. */
  self->stage_id = kind == SCIM_PIVOT_STAGE_PRODUCT ? stage : 0;
  self->drill_owner = kind == SCIM_PIVOT_OWNER_PRODUCT ? row : 0;
  self->drill_client = kind == SCIM_PIVOT_CLIENT_PRODUCT ? row : 0;
  self->drill_product = column;
  scim_record_table_refilter (self->sales_table);
  adw_view_stack_set_visible_child_name (self->tables, "sales");
}

static void
on_band_activated_cb (ScimFunnelChart *chart,
                      gint64           stage_id,
                      ScimFunnelPage  *self)
{
  scim_funnel_page_show_stage (self, stage_id);
}

/* A double click: the stage's sales, and the keyboard in their list. */
static void
on_band_opened_cb (ScimFunnelChart *chart,
                   gint64           stage_id,
                   ScimFunnelPage  *self)
{
  scim_funnel_page_show_stage (self, stage_id);
  scim_record_table_focus_list (self->sales_table);
}

static void
on_sale_activated_cb (ScimRecordTable *table,
                      ScimRecord      *sale,
                      ScimFunnelPage  *self)
{
  scim_sale_window_open (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->store, scim_record_get_id (sale));
}

static char *
count_sales (guint n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u sale", "%'u sales", n), n);
}

/* Export and print */

/* The sales lists (a band's, or the stuck ones) go to CSV whole, read on a
 * worker with the same query the list shows. */
typedef struct
{
  ScimQuery *query;
  char      *path;
} SalesCsvJob;

static void
sales_csv_job_free (gpointer data)
{
  SalesCsvJob *job = data;

  scim_query_free (job->query);
  g_free (job->path);
  g_free (job);
}

static gpointer
sales_csv_thread (ScimStore     *store,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  SalesCsvJob *job = data;
  g_autoptr(GListModel) sales = scim_store_list (store, job->query, error);
  const char *headers[] = { _("Client"), _("Product"), _("Stage"), _("Since"), _("Salesperson"), _("Amount"), NULL };
  Table table = { NULL, NULL };
  g_autofree char *csv = NULL;
  gboolean ok;

  if (sales == NULL)
    return NULL;
  table_start (&table, headers);
  for (guint i = 0; i < g_list_model_get_n_items (sales); i++)
    {
      g_autoptr(ScimRecord) sale = g_list_model_get_item (sales, i);
      g_autofree char *since = scim_format_date (scim_record_get_int (sale, "stage-entered-at"));
      g_autofree char *amount = scim_format_money (scim_record_get_int (sale, "amount"));

      table_add (&table, scim_record_get_string (sale, "client"), scim_record_get_string (sale, "product"),
                 scim_record_get_string (sale, "stage"), since, scim_record_get_string (sale, "owner"), amount);
    }
  csv = table_to_csv (&table);
  table_clear (&table);
  ok = g_file_set_contents (job->path, csv, -1, error);
  return ok ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
on_sales_csv_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ScimFunnelPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (scim_store_run_finish (SCIM_STORE (source), result, &error) == NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-error", "s", error->message);
}

static void
on_export_response_cb (GtkNativeDialog *chooser,
                       int              response,
                       ScimFunnelPage  *self)
{
  const char *what = g_object_get_data (G_OBJECT (chooser), "scim-what");
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    {
      g_object_unref (chooser);
      return;
    }
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  path = g_file_get_path (file);
  g_object_unref (chooser);

  if (g_str_equal (what, "csv") &&
      (g_strcmp0 (adw_view_stack_get_visible_child_name (self->tables), "sales") == 0 ||
       g_strcmp0 (adw_view_stack_get_visible_child_name (self->tables), "stuck") == 0))
    {
      gboolean stuck = g_strcmp0 (adw_view_stack_get_visible_child_name (self->tables), "stuck") == 0;
      GListModel *list = scim_record_table_get_model (stuck ? self->stuck_table : self->sales_table);
      SalesCsvJob *job;

      if (list == NULL)
        return;
      job = g_new0 (SalesCsvJob, 1);
      job->query = scim_query_copy (scim_record_list_get_query (SCIM_RECORD_LIST (list)));
      job->path = g_strdup (path);
      scim_store_run_async (self->store, sales_csv_thread, job, sales_csv_job_free, NULL, on_sales_csv_cb,
                            g_object_ref (self));
      return;
    }
  if (g_str_equal (what, "csv"))
    {
      const char *visible = adw_view_stack_get_visible_child_name (self->tables);
      Table *table = g_strcmp0 (visible, "pivot") == 0 ? &self->pivot_table
                   : g_strcmp0 (visible, "people") == 0 ? &self->people_table
                   : g_strcmp0 (visible, "cross") == 0 ? &self->cross_table : &self->stages_table;
      g_autofree char *csv = table->headers != NULL ? table_to_csv (table) : g_strdup ("");

      g_file_set_contents (path, csv, -1, &error);
    }
  else
    {
      ScimFunnelFormat format = g_str_equal (what, "svg") ? SCIM_FUNNEL_FORMAT_SVG
                              : g_str_equal (what, "pdf") ? SCIM_FUNNEL_FORMAT_PDF : SCIM_FUNNEL_FORMAT_PNG;

      /* What is shown: the comparison too, and when it stands. */
      if (scim_funnel_chart_get_funnels (self->chart) != NULL)
        scim_funnel_chart_export (self->chart, format, path, 1200, 900, &error);
    }
  if (error != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-error", "s", error->message);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ScimFunnelPage *self = SCIM_FUNNEL_PAGE (widget);
  const char *what = g_variant_get_string (parameter, NULL);
  g_autofree char *name = g_strdup_printf ("%s.%s", g_str_equal (what, "csv") ? _("funnel-table") : _("funnel"), what);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Export"), GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data_full (G_OBJECT (chooser), "scim-what", g_strdup (what), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_draw_page_cb (GtkPrintOperation *operation,
                 GtkPrintContext   *context,
                 int                page,
                 ScimFunnelPage    *self)
{
  scim_funnel_chart_paint_to (self->chart, gtk_print_context_get_cairo_context (context),
                              gtk_print_context_get_width (context), gtk_print_context_get_height (context));
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ScimFunnelPage *self = SCIM_FUNNEL_PAGE (widget);
  g_autoptr(GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr(GError) error = NULL;

  gtk_print_operation_set_n_pages (operation, 1);
  gtk_print_operation_set_job_name (operation, _("Sales funnel"));
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page_cb), self);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_WINDOW (gtk_widget_get_root (widget)), &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    gtk_widget_activate_action (widget, "win.show-error", "s", error->message);
}

/* Choices for the drop-downs */

typedef struct
{
  GListModel *products;
  GListModel *users;
  GListModel *audiences;
} Lists;

static void
lists_free (gpointer data)
{
  Lists *lists = data;

  g_clear_object (&lists->products);
  g_clear_object (&lists->users);
  g_clear_object (&lists->audiences);
  g_free (lists);
}

static gpointer
lists_thread (ScimStore     *store,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(ScimQuery) products = scim_query_new (SCIM_LIST_PRODUCTS);
  g_autoptr(ScimQuery) users = scim_query_new (SCIM_LIST_USERS);
  g_autoptr(ScimQuery) audiences = scim_query_new (SCIM_LIST_AUDIENCES);
  Lists *lists = g_new0 (Lists, 1);

  if ((lists->products = scim_store_list (store, products, error)) == NULL ||
      (lists->users = scim_store_list (store, users, error)) == NULL ||
      (lists->audiences = scim_store_list (store, audiences, error)) == NULL)
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
  g_autoptr(ScimFunnelPage) self = user_data;
  g_autoptr(GError) error = NULL;
  Lists *lists = scim_store_run_finish (SCIM_STORE (source), result, &error);

  if (lists == NULL)
    return;
  g_signal_handlers_block_by_func (self->product_dropdown, on_control_changed_cb, self);
  g_signal_handlers_block_by_func (self->owner_dropdown, on_control_changed_cb, self);
  g_signal_handlers_block_by_func (self->audience_dropdown, on_control_changed_cb, self);
  scim_choices_fill (self->product_dropdown, lists->products, _("All products"), TRUE);
  scim_choices_fill (self->owner_dropdown, lists->users, _("Everyone"), FALSE);
  scim_choices_fill (self->audience_dropdown, lists->audiences, _("All audiences"), FALSE);
  /* A salesperson sees their own sales first, on the picture and the board. */
  if (scim_store_get_user_role (self->store) == SCIM_ROLE_SALES && scim_choices_get_id (self->owner_dropdown) == 0)
    scim_choices_select_id (self->owner_dropdown, scim_store_get_user_id (self->store));
  /* One product's funnel first, when there is one. */
  if (scim_choices_get_id (self->product_dropdown) == 0 &&
      g_list_model_get_n_items (gtk_drop_down_get_model (self->product_dropdown)) > 1)
    gtk_drop_down_set_selected (self->product_dropdown, 1);
  g_signal_handlers_unblock_by_func (self->product_dropdown, on_control_changed_cb, self);
  g_signal_handlers_unblock_by_func (self->owner_dropdown, on_control_changed_cb, self);
  g_signal_handlers_unblock_by_func (self->audience_dropdown, on_control_changed_cb, self);
  lists_free (lists);
  refresh (self);
}

/* Building */


static void
add_tab (AdwViewStack *stack,
         GtkWidget    *child,
         const char   *name,
         const char   *title,
         const char   *icon)
{
  adw_view_stack_page_set_icon_name (adw_view_stack_add_titled (stack, child, name, title), icon);
}

static GtkGrid *
table_grid (void)
{
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_widget_set_margin_start (grid, 12);
  gtk_widget_set_margin_end (grid, 12);
  gtk_widget_set_margin_top (grid, 12);
  gtk_widget_set_margin_bottom (grid, 12);
  return GTK_GRID (grid);
}

static GtkWidget *
scrolled (GtkWidget *child)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), child);
  gtk_widget_set_vexpand (scroller, TRUE);
  return scroller;
}

static void
scim_funnel_page_dispose (GObject *object)
{
  ScimFunnelPage *self = (ScimFunnelPage *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_handle_id (&self->replay_timer, g_source_remove);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  table_clear (&self->stages_table);
  table_clear (&self->pivot_table);
  table_clear (&self->people_table);
  table_clear (&self->cross_table);

  G_OBJECT_CLASS (scim_funnel_page_parent_class)->dispose (object);
}

static void
scim_funnel_page_class_init (ScimFunnelPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_funnel_page_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_install_action (widget_class, "funnel.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "funnel.print", NULL, print_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "funnel.print", NULL);
}

static void
scim_funnel_page_init (ScimFunnelPage *self)
{
  static const char * const periods[] = { N_("Any time"), N_("Last month"), N_("Last quarter"), N_("Last year"), NULL };
  static const char * const pivots[] = { N_("Stage × product"), N_("Salesperson × product"), N_("Client × product"),
                                         NULL };
  const char *period_labels[G_N_ELEMENTS (periods)];
  const char *pivot_labels[G_N_ELEMENTS (pivots)];
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkWidget *box, *controls, *mode, *in_work, *export, *paned, *left, *right, *pivot_box, *switcher;
  g_autoptr(GtkStringList) period_model = NULL;
  g_autoptr(GtkStringList) pivot_model = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (periods); i++)
    period_labels[i] = periods[i] != NULL ? _(periods[i]) : NULL;
  for (guint i = 0; i < G_N_ELEMENTS (pivots); i++)
    pivot_labels[i] = pivots[i] != NULL ? _(pivots[i]) : NULL;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  controls = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  /* The filters wrap to a second line in a narrow window. */
  gtk_widget_set_layout_manager (controls, scim_wrap_layout_new (6, 6));
  gtk_widget_set_margin_start (controls, 12);
  gtk_widget_set_margin_end (controls, 12);
  gtk_widget_set_margin_top (controls, 8);
  gtk_widget_set_margin_bottom (controls, 8);

  self->product_dropdown = scim_choices_new (SCIM_TYPE_PRODUCT, "name", _("Product"));
  self->owner_dropdown = scim_choices_new (SCIM_TYPE_USER, "display-name", _("Salesperson"));
  self->audience_dropdown = scim_choices_new (SCIM_TYPE_AUDIENCE, "name", _("Client audience"));
  period_model = gtk_string_list_new (period_labels);
  self->period_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&period_model)), NULL));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->period_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Sales that entered in"), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->period_dropdown), _("Sales that entered in"));
  {
    const char *compare_labels[] = { _("No comparison"), _("Against 30 days earlier"), _("Against the end of last month"),
                                     _("Against a year earlier"), NULL };
    g_autoptr(GtkStringList) compare_model = gtk_string_list_new (compare_labels);

    self->compare_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&compare_model)),
                                                               NULL));
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->compare_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Compare with"), -1);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->compare_dropdown),
                                 _("Draw the funnel of one product beside itself at another moment, the differences "
                                   "marked per stage"));
  }
  {
    const char *range_labels[] = { _("Last 30 days"), _("Last 90 days"), _("Last year"), NULL };
    g_autoptr(GtkStringList) range_model = gtk_string_list_new (range_labels);
    GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

    self->replay_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new ());
    gtk_button_set_icon_name (GTK_BUTTON (self->replay_button), "media-seek-forward-symbolic");
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->replay_button),
                                 _("Replay: the funnel as it stood on each day of a range, from the stage history"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->replay_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Replay"), -1);
    self->replay_play = GTK_BUTTON (gtk_button_new_from_icon_name ("media-playback-start-symbolic"));
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->replay_play), _("Play"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->replay_play), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Play"), -1);
    self->replay_range = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&range_model)), NULL));
    gtk_drop_down_set_selected (self->replay_range, 1);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->replay_range), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Replay range"), -1);
    self->replay_scale = GTK_SCALE (gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, NULL));
    gtk_widget_set_hexpand (GTK_WIDGET (self->replay_scale), TRUE);
    gtk_scale_set_draw_value (self->replay_scale, FALSE);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->replay_scale), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Day of the replay"), -1);
    set_replay_range (self);
    gtk_range_set_value (GTK_RANGE (self->replay_scale), replay_days[1]);
    self->replay_label = GTK_LABEL (gtk_label_new (NULL));
    gtk_label_set_width_chars (self->replay_label, 11);
    gtk_widget_add_css_class (GTK_WIDGET (self->replay_label), "numeric");
    gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->replay_play));
    gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->replay_range));
    gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->replay_scale));
    gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->replay_label));
    gtk_widget_set_margin_start (bar, 12);
    gtk_widget_set_margin_end (bar, 12);
    gtk_widget_set_margin_bottom (bar, 6);
    self->replay_bar = GTK_REVEALER (gtk_revealer_new ());
    gtk_revealer_set_child (self->replay_bar, bar);
  }
  self->as_of_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->as_of_entry, _("As of today"));
  gtk_editable_set_width_chars (GTK_EDITABLE (self->as_of_entry), 11);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->as_of_entry),
                               _("The funnel as it stood on a past day (2026-06-30), rebuilt from the stage history"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->as_of_entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("As of"), -1);

  mode = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (mode, "linked");
  in_work = gtk_toggle_button_new_with_mnemonic (_("_In Work"));
  gtk_widget_set_tooltip_text (in_work, _("How many sales stand at each stage now"));
  self->reached_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_("_Reached")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->reached_button),
                               _("How many sales ever got to each stage or past it: the conversion funnel"));
  gtk_toggle_button_set_group (self->reached_button, GTK_TOGGLE_BUTTON (in_work));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (in_work), TRUE);
  gtk_box_append (GTK_BOX (mode), in_work);
  gtk_box_append (GTK_BOX (mode), GTK_WIDGET (self->reached_button));

  g_menu_append (menu, _("Picture as _PNG…"), "funnel.export('png')");
  g_menu_append (menu, _("Picture as _SVG…"), "funnel.export('svg')");
  g_menu_append (menu, _("Picture as P_DF…"), "funnel.export('pdf')");
  g_menu_append (menu, _("This _Table as CSV…"), "funnel.export('csv')");
  g_menu_append (menu, _("_Print…"), "funnel.print");
  export = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (export), "document-save-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (export), G_MENU_MODEL (menu));
  gtk_widget_set_tooltip_text (export, _("Export or Print"));

  {
    GtkWidget *views = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
    GtkWidget *picture = gtk_toggle_button_new ();
    GtkWidget *content;

    gtk_widget_add_css_class (views, "linked");
    content = adw_button_content_new ();
    adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "scim-funnel-symbolic");
    adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _("_Funnel"));
    adw_button_content_set_use_underline (ADW_BUTTON_CONTENT (content), TRUE);
    gtk_button_set_child (GTK_BUTTON (picture), content);
    gtk_widget_set_tooltip_text (picture, _("The funnel picture and its tables"));
    self->board_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new ());
    content = adw_button_content_new ();
    adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "scim-board-symbolic");
    adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _("_Board"));
    adw_button_content_set_use_underline (ADW_BUTTON_CONTENT (content), TRUE);
    gtk_button_set_child (GTK_BUTTON (self->board_button), content);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->board_button),
                                 _("The pipeline board: a column per stage, a card per sale; drag a card or press "
                                   "Alt+Left/Right to move it"));
    gtk_toggle_button_set_group (self->board_button, GTK_TOGGLE_BUTTON (picture));
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (picture), TRUE);
    gtk_box_append (GTK_BOX (views), picture);
    gtk_box_append (GTK_BOX (views), GTK_WIDGET (self->board_button));
    gtk_box_append (GTK_BOX (controls), views);
  }
  gtk_box_append (GTK_BOX (controls), GTK_WIDGET (self->product_dropdown));
  gtk_box_append (GTK_BOX (controls), GTK_WIDGET (self->owner_dropdown));
  gtk_box_append (GTK_BOX (controls), GTK_WIDGET (self->audience_dropdown));
  gtk_box_append (GTK_BOX (controls), GTK_WIDGET (self->period_dropdown));
  gtk_box_append (GTK_BOX (controls), GTK_WIDGET (self->as_of_entry));
  gtk_box_append (GTK_BOX (controls), GTK_WIDGET (self->compare_dropdown));
  gtk_box_append (GTK_BOX (controls), GTK_WIDGET (self->replay_button));
  gtk_box_append (GTK_BOX (controls), mode);
  gtk_box_append (GTK_BOX (controls), export);
  gtk_box_append (GTK_BOX (box), controls);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->replay_bar));

  paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_position (GTK_PANED (paned), 560);
  gtk_widget_set_vexpand (paned, TRUE);
  left = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->chart = SCIM_FUNNEL_CHART (scim_funnel_chart_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->chart), TRUE);
  gtk_widget_set_margin_start (GTK_WIDGET (self->chart), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->chart), 12);
  self->summary_label = GTK_LABEL (gtk_label_new (NULL));
  self->forecast_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->forecast_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "heading");
  gtk_widget_add_css_class (GTK_WIDGET (self->forecast_label), "dim-label");
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->forecast_label), 12);
  {
    /* A funnel of many stages is taller than the pane rather than in
     * smaller type: it scrolls (the chart asks for the height its labels
     * need at its width). */
    GtkWidget *scroller = gtk_scrolled_window_new ();

    gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->chart));
    gtk_widget_set_vexpand (scroller, TRUE);
    gtk_box_append (GTK_BOX (left), scroller);
  }
  gtk_box_append (GTK_BOX (left), GTK_WIDGET (self->summary_label));
  gtk_box_append (GTK_BOX (left), GTK_WIDGET (self->forecast_label));

  right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  self->tables = ADW_VIEW_STACK (adw_view_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->tables), TRUE);
  switcher = adw_view_switcher_new ();
  adw_view_switcher_set_stack (ADW_VIEW_SWITCHER (switcher), self->tables);
  adw_view_switcher_set_policy (ADW_VIEW_SWITCHER (switcher), ADW_VIEW_SWITCHER_POLICY_WIDE);

  self->stages_grid = table_grid ();
  add_tab (self->tables, scrolled (GTK_WIDGET (self->stages_grid)), "stages", _("Stages"), "view-list-bullet-symbolic");

  self->sales_table = g_object_new (SCIM_TYPE_RECORD_TABLE, NULL);
  scim_record_table_set_kind (self->sales_table, SCIM_LIST_SALES);
  scim_record_table_set_texts (self->sales_table, _("Search clients"), _("Choose a stage"),
                               _("Click a band of the funnel to list the sales at its stage; a sale opens its plan."));
  scim_record_table_set_count_func (self->sales_table, count_sales);
  scim_record_table_set_adjust_func (self->sales_table, adjust_sales, self);
  scim_record_table_add_column (self->sales_table, _("Client"), "client", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->sales_table, _("Stage"), "stage", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->sales_table, _("Since"), "stage-entered-at", SCIM_CELL_DATE, FALSE);
  scim_record_table_add_column (self->sales_table, _("Salesperson"), "owner", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->sales_table, _("Amount"), "amount", SCIM_CELL_MONEY, FALSE);
  g_signal_connect_object (self->sales_table, "activated", G_CALLBACK (on_sale_activated_cb), self, G_CONNECT_DEFAULT);
  add_tab (self->tables, GTK_WIDGET (self->sales_table), "sales", _("Sales"), "view-list-symbolic");

  pivot_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  pivot_model = gtk_string_list_new (pivot_labels);
  self->pivot_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&pivot_model)), NULL));
  gtk_widget_set_halign (GTK_WIDGET (self->pivot_dropdown), GTK_ALIGN_START);
  gtk_widget_set_margin_start (GTK_WIDGET (self->pivot_dropdown), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->pivot_dropdown), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pivot_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Breakdown"), -1);
  self->pivot_grid = table_grid ();
  gtk_box_append (GTK_BOX (pivot_box), GTK_WIDGET (self->pivot_dropdown));
  gtk_box_append (GTK_BOX (pivot_box), scrolled (GTK_WIDGET (self->pivot_grid)));
  add_tab (self->tables, pivot_box, "pivot", _("Breakdowns"), "view-grid-symbolic");

  self->stuck_table = g_object_new (SCIM_TYPE_RECORD_TABLE, NULL);
  scim_record_table_set_kind (self->stuck_table, SCIM_LIST_SALES);
  scim_record_table_set_texts (self->stuck_table, NULL, _("Nothing is stuck"),
                               _("No sale stays at its stage longer than the stage allows."));
  scim_record_table_set_count_func (self->stuck_table, count_sales);
  scim_record_table_set_adjust_func (self->stuck_table, adjust_stuck, self);
  scim_record_table_add_column (self->stuck_table, _("Client"), "client", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->stuck_table, _("Stage"), "stage", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->stuck_table, _("Since"), "stage-entered-at", SCIM_CELL_DATE, FALSE);
  scim_record_table_add_column (self->stuck_table, _("Salesperson"), "owner", SCIM_CELL_TEXT, FALSE);
  g_signal_connect_object (self->stuck_table, "activated", G_CALLBACK (on_sale_activated_cb), self, G_CONNECT_DEFAULT);
  add_tab (self->tables, GTK_WIDGET (self->stuck_table), "stuck", _("Stuck"), "dialog-warning-symbolic");

  self->people_grid = table_grid ();
  add_tab (self->tables, scrolled (GTK_WIDGET (self->people_grid)), "people", _("Salespeople"), "avatar-default-symbolic");
  self->cross_grid = table_grid ();
  add_tab (self->tables, scrolled (GTK_WIDGET (self->cross_grid)), "cross", _("Cross-sell"), "starred-symbolic");

  gtk_box_append (GTK_BOX (right), switcher);
  gtk_box_append (GTK_BOX (right), GTK_WIDGET (self->tables));
  gtk_paned_set_start_child (GTK_PANED (paned), left);
  gtk_paned_set_end_child (GTK_PANED (paned), right);
  self->views = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->views), TRUE);
  gtk_stack_add_named (self->views, paned, "picture");
  self->board = SCIM_PIPELINE_BOARD (scim_pipeline_board_new ());
  gtk_stack_add_named (self->views, GTK_WIDGET (self->board), "board");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->views));
  gtk_widget_set_parent (box, GTK_WIDGET (self));
  /* What only the picture uses goes away with it. */
  self->picture_tools[0] = GTK_WIDGET (self->as_of_entry);
  self->picture_tools[1] = GTK_WIDGET (self->compare_dropdown);
  self->picture_tools[2] = GTK_WIDGET (self->replay_button);
  self->picture_tools[3] = mode;
  self->picture_tools[4] = export;

  g_signal_connect_object (self->product_dropdown, "notify::selected", G_CALLBACK (on_control_changed_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (self->owner_dropdown, "notify::selected", G_CALLBACK (on_control_changed_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (self->audience_dropdown, "notify::selected", G_CALLBACK (on_control_changed_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (self->compare_dropdown, "notify::selected", G_CALLBACK (on_control_changed_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (self->replay_button, "toggled", G_CALLBACK (on_replay_toggled_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->replay_play, "clicked", G_CALLBACK (on_replay_play_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->replay_range, "notify::selected", G_CALLBACK (on_replay_range_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (self->replay_scale, "value-changed", G_CALLBACK (on_replay_scale_changed_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (self->period_dropdown, "notify::selected", G_CALLBACK (on_control_changed_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (self->pivot_dropdown, "notify::selected", G_CALLBACK (on_control_changed_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (self->as_of_entry, "activate", G_CALLBACK (on_as_of_activated_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->reached_button, "toggled", G_CALLBACK (on_mode_toggled_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->board_button, "toggled", G_CALLBACK (on_view_toggled_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->chart, "band-activated", G_CALLBACK (on_band_activated_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->chart, "band-opened", G_CALLBACK (on_band_opened_cb), self, G_CONNECT_DEFAULT);
}

void
scim_funnel_page_set_store (ScimFunnelPage *self,
                            ScimStore      *store)
{
  g_return_if_fail (SCIM_IS_FUNNEL_PAGE (self));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (!g_set_object (&self->store, store))
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->stage_id = 0;
  scim_funnel_chart_set_funnels (self->chart, NULL);
  scim_record_table_set_store (self->sales_table, store);
  scim_record_table_set_store (self->stuck_table, store);
  scim_pipeline_board_set_store (self->board, store);
  if (store != NULL)
    {
      self->cancellable = g_cancellable_new ();
      g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self, G_CONNECT_DEFAULT);
      scim_store_run_async_full (store, lists_thread, NULL, NULL, lists_free, self->cancellable, on_lists_cb,
                                 g_object_ref (self));
    }
}

/**
 * scim_funnel_page_select_product:
 * @self: a #ScimFunnelPage
 * @product_id: a product
 *
 * Chooses the product, as its drop-down does.
 *
 * Returns: whether the page offers it
 */
gboolean
scim_funnel_page_select_product (ScimFunnelPage *self,
                                 gint64          product_id)
{
  g_return_val_if_fail (SCIM_IS_FUNNEL_PAGE (self), FALSE);

  return scim_choices_select_id (self->product_dropdown, product_id);
}

/**
 * scim_funnel_page_show_board:
 * @self: a #ScimFunnelPage
 * @board: the board, or the picture
 *
 * Returns: (transfer none): the pipeline board
 */
ScimPipelineBoard *
scim_funnel_page_show_board (ScimFunnelPage *self,
                             gboolean        board)
{
  g_return_val_if_fail (SCIM_IS_FUNNEL_PAGE (self), NULL);

  if (board)
    gtk_toggle_button_set_active (self->board_button, TRUE);
  else
    gtk_widget_activate (gtk_widget_get_prev_sibling (GTK_WIDGET (self->board_button)));
  return self->board;
}

/**
 * scim_funnel_page_get_model:
 * @self: a #ScimFunnelPage
 *
 * Returns: (transfer none) (nullable): the sales of the chosen stage
 */
GListModel *
scim_funnel_page_get_model (ScimFunnelPage *self)
{
  g_return_val_if_fail (SCIM_IS_FUNNEL_PAGE (self), NULL);
  return scim_record_table_get_model (self->sales_table);
}

/**
 * scim_funnel_page_get_chart:
 * @self: a #ScimFunnelPage
 *
 * Returns: (transfer none): the funnel picture
 */
/**
 * scim_funnel_page_get_replay:
 * @self: a #ScimFunnelPage
 * @name: "button" (shows the replay), "play", "range" or "scale"
 *
 * Returns: (transfer none) (nullable): that control of the replay
 */
GtkWidget *
scim_funnel_page_get_replay (ScimFunnelPage *self,
                             const char     *name)
{
  g_return_val_if_fail (SCIM_IS_FUNNEL_PAGE (self), NULL);

  if (g_strcmp0 (name, "button") == 0)
    return GTK_WIDGET (self->replay_button);
  if (g_strcmp0 (name, "play") == 0)
    return GTK_WIDGET (self->replay_play);
  if (g_strcmp0 (name, "range") == 0)
    return GTK_WIDGET (self->replay_range);
  if (g_strcmp0 (name, "scale") == 0)
    return GTK_WIDGET (self->replay_scale);
  return NULL;
}

/**
 * scim_funnel_page_get_compare:
 * @self: a #ScimFunnelPage
 *
 * Returns: (transfer none): the drop-down of what the funnel is compared with
 */
GtkDropDown *
scim_funnel_page_get_compare (ScimFunnelPage *self)
{
  g_return_val_if_fail (SCIM_IS_FUNNEL_PAGE (self), NULL);
  return self->compare_dropdown;
}

GtkWidget *
scim_funnel_page_get_chart (ScimFunnelPage *self)
{
  g_return_val_if_fail (SCIM_IS_FUNNEL_PAGE (self), NULL);
  return GTK_WIDGET (self->chart);
}

/* Whether numbers are being computed; tests wait for it to settle. */
gboolean
scim_funnel_page_get_busy (ScimFunnelPage *self)
{
  g_return_val_if_fail (SCIM_IS_FUNNEL_PAGE (self), FALSE);
  return self->busy > 0 || scim_funnel_chart_get_funnels (self->chart) == NULL;
}

/**
 * scim_funnel_page_get_table_csv:
 * @self: a #ScimFunnelPage
 * @name: "stages", "pivot", "people" or "cross"
 *
 * Returns: (transfer full): the table as CSV, as its export writes it
 */
char *
scim_funnel_page_get_table_csv (ScimFunnelPage *self,
                                const char     *name)
{
  Table *table;

  g_return_val_if_fail (SCIM_IS_FUNNEL_PAGE (self), NULL);
  table = g_str_equal (name, "pivot") ? &self->pivot_table
        : g_str_equal (name, "people") ? &self->people_table
        : g_str_equal (name, "cross") ? &self->cross_table : &self->stages_table;
  return table->headers != NULL ? table_to_csv (table) : g_strdup ("");
}
