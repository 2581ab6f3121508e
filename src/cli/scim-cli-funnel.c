/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-cli-funnel"

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gunixoutputstream.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scim-cli.h"

/* `scim-sales-cli funnel` without a subcommand: the Funnel module's
 * statistics of one product or of every active product, as text, CSV or
 * JSON, or its picture as PNG, SVG or PDF (the painter the chart widget
 * uses).  JSON and CSV carry every stage, paused and lost ones included;
 * amounts in minor units, shares and rates as fractions from 0 to 1. */

#define DEFAULT_WIDTH        960
#define DEFAULT_HEIGHT       640
#define DEFAULT_CELL_WIDTH   360
#define DEFAULT_CELL_HEIGHT  480

static char *opt_product;
static char *opt_owner;
static char *opt_as_of;
static char *opt_format;
static char *opt_output;
static char *opt_mode;
static char *opt_size;

static const GOptionEntry entries[] = {
  { "product", 0, 0, G_OPTION_ARG_STRING, &opt_product, N_("Only this product (default: every active product)"), N_("NAME") },
  { "owner", 0, 0, G_OPTION_ARG_STRING, &opt_owner, N_("Only the sales of this salesperson"), N_("LOGIN") },
  { "as-of", 0, 0, G_OPTION_ARG_STRING, &opt_as_of,
    N_("The funnel as it stood at the end of that day (or at that moment), local time: YYYY-MM-DD or YYYY-MM-DDTHH:MM"),
    N_("DATE") },
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, N_("text, csv, json, png, svg or pdf (default: text)"), N_("FORMAT") },
  { "output", 0, 0, G_OPTION_ARG_FILENAME, &opt_output,
    N_("Write to this file (pictures go to standard output only when it is not a terminal)"), N_("FILE") },
  { "mode", 0, 0, G_OPTION_ARG_STRING, &opt_mode,
    N_("What the picture’s bands show: in-work (sales at each stage now) or reached (default: in-work)"), N_("MODE") },
  { "size", 0, 0, G_OPTION_ARG_STRING, &opt_size, N_("The picture’s size, e.g. 1200x800"), N_("WIDTHxHEIGHT") },
  { NULL }
};

typedef enum
{
  OUT_TEXT,
  OUT_CSV,
  OUT_JSON,
  OUT_PNG,
  OUT_SVG,
  OUT_PDF,
} Output;

static void
reset_options (void)
{
  g_clear_pointer (&opt_product, g_free);
  g_clear_pointer (&opt_owner, g_free);
  g_clear_pointer (&opt_as_of, g_free);
  g_clear_pointer (&opt_format, g_free);
  g_clear_pointer (&opt_output, g_free);
  g_clear_pointer (&opt_mode, g_free);
  g_clear_pointer (&opt_size, g_free);
}

static gboolean
parse_output (const char *text,
              Output     *out,
              int        *code)
{
  static const char * const names[] = { "text", "csv", "json", "png", "svg", "pdf", NULL };

  if (text == NULL)
    {
      *out = OUT_TEXT;
      return TRUE;
    }
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (text, names[i]))
      {
        *out = (Output) i;
        return TRUE;
      }
  *code = scim_cli_fail (SCIM_CLI_USAGE, _("--format: “%s” is not text, csv, json, png, svg or pdf."), text);
  return FALSE;
}

/* YYYY-MM-DD (the end of that day: the last second before the next local
 * midnight) or YYYY-MM-DDTHH:MM, local time, as UTC seconds. */
static gboolean
parse_as_of (const char *text,
             gint64     *at,
             int        *code)
{
  g_autoptr(GDateTime) local = NULL;
  int year, month, day, hour = 0, minute = 0, n = 0;
  size_t len = strlen (text);
  gboolean with_time = len == 16;

  if ((len == 10 && sscanf (text, "%4d-%2d-%2d%n", &year, &month, &day, &n) == 3 && n == 10) ||
      (len == 16 && text[10] == 'T' &&
       sscanf (text, "%4d-%2d-%2dT%2d:%2d%n", &year, &month, &day, &hour, &minute, &n) == 5 && n == 16))
    {
      gboolean digits = TRUE;

      /* sscanf takes signs and spaces; a date is digits in their places. */
      for (size_t i = 0; i < len; i++)
        if (i != 4 && i != 7 && i != 10 && i != 13 && !g_ascii_isdigit (text[i]))
          digits = FALSE;
      if (digits && year >= 1900 && hour < 24 && minute < 60)
        local = g_date_time_new_local (year, month, day, hour, minute, 0);
      /* GLib wraps 2026-02-31 to March; a date that does not exist is refused. */
      if (local != NULL && g_date_time_get_day_of_month (local) != day)
        g_clear_pointer (&local, g_date_time_unref);
    }
  if (local == NULL)
    {
      *code = scim_cli_fail (SCIM_CLI_USAGE, _("%s: “%s” is not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM."),
                             "--as-of", text);
      return FALSE;
    }
  if (with_time)
    *at = g_date_time_to_unix (local);
  else
    {
      g_autoptr(GDateTime) next = g_date_time_add_days (local, 1);
      *at = g_date_time_to_unix (next) - 1;
    }
  return TRUE;
}

static gboolean
parse_size (const char *text,
            int        *width,
            int        *height,
            int        *code)
{
  guint64 w = 0, h = 0;
  g_auto(GStrv) parts = g_strsplit (text, "x", 2);

  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 1, 32767, &w, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, 32767, &h, NULL))
    {
      *code = scim_cli_fail (SCIM_CLI_USAGE, _("--size: “%s” is not a size; write WIDTHxHEIGHT, e.g. 1200x800."), text);
      return FALSE;
    }
  *width = (int) w;
  *height = (int) h;
  return TRUE;
}

/* Numbers */

/* A fraction or a number of days in JSON and CSV: up to four decimals, no
 * trailing zeros, a dot whatever the locale. */
static char *
decimal (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char *text;

  g_ascii_formatd (buf, sizeof buf, "%.4f", value);
  if (strchr (buf, '.') != NULL)
    {
      size_t len = strlen (buf);
      while (len > 0 && buf[len - 1] == '0')
        buf[--len] = '\0';
      if (len > 0 && buf[len - 1] == '.')
        buf[--len] = '\0';
    }
  text = g_strdup (g_str_equal (buf, "-0") ? "0" : buf);
  return text;
}

static char *
percent_text (double fraction)
{
  return g_strdup_printf (_("%.0f%%"), fraction * 100);
}

static const ScimFunnelStage *
stage_at (const ScimFunnel *funnel,
          guint             i)
{
  return g_ptr_array_index (funnel->stages, i);
}

/* JSON */

static void
json_key (GString    *out,
          const char *key)
{
  g_string_append_c (out, '"');
  g_string_append (out, key);
  g_string_append (out, "\": ");
}

static void
json_int (GString    *out,
          const char *key,
          gint64      value)
{
  json_key (out, key);
  g_string_append_printf (out, "%" G_GINT64_FORMAT ", ", value);
}

static void
json_decimal (GString    *out,
              const char *key,
              double      value)
{
  g_autofree char *text = decimal (value);

  json_key (out, key);
  g_string_append_printf (out, "%s, ", text);
}

static void
json_text (GString    *out,
           const char *key,
           const char *value)
{
  json_key (out, key);
  scim_cli_json_string (out, value);
  g_string_append (out, ", ");
}

static void
json_funnel (GString          *out,
             const ScimFunnel *funnel,
             const char       *indent)
{
  g_string_append_printf (out, "%s{", indent);
  json_int (out, "id", funnel->product_id);
  json_text (out, "name", funnel->product);
  json_key (out, "as_of");
  if (opt_as_of != NULL)
    scim_cli_json_string (out, opt_as_of);
  else
    g_string_append (out, "null");
  g_string_append (out, ", ");
  json_int (out, "in_work", funnel->in_work);
  json_int (out, "in_work_amount", funnel->in_work_amount);
  json_int (out, "won", funnel->won);
  json_int (out, "won_amount", funnel->won_amount);
  json_int (out, "lost", funnel->lost);
  json_int (out, "lost_amount", funnel->lost_amount);
  json_int (out, "paused", funnel->paused);
  json_int (out, "paused_amount", funnel->paused_amount);
  json_key (out, "worst_stage_id");
  if (funnel->worst_step >= 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT ", ", stage_at (funnel, (guint) funnel->worst_step)->stage_id);
  else
    g_string_append (out, "null, ");
  json_decimal (out, "forecast_wins", funnel->forecast_wins);
  json_int (out, "forecast_amount", funnel->forecast_amount);
  json_decimal (out, "forecast_wins_configured", funnel->forecast_wins_configured);
  json_int (out, "forecast_amount_configured", funnel->forecast_amount_configured);
  json_key (out, "stages");
  g_string_append_c (out, '[');

  for (guint i = 0; i < funnel->stages->len; i++)
    {
      const ScimFunnelStage *stage = stage_at (funnel, i);

      g_string_append_printf (out, "%s\n%s  {", i > 0 ? "," : "", indent);
      json_int (out, "id", stage->stage_id);
      json_int (out, "position", i + 1);
      json_text (out, "name", stage->name);
      json_text (out, "kind", stage->kind);
      json_int (out, "probability", stage->probability);
      json_int (out, "stuck_days", stage->stuck_days);
      json_int (out, "count", stage->count);
      json_int (out, "amount", stage->amount);
      json_int (out, "weighted_amount", stage->weighted_amount);
      json_int (out, "reached", stage->reached);
      json_decimal (out, "share", stage->share);
      json_key (out, "conversion");
      if (stage->conversion >= 0)
        {
          g_autofree char *text = decimal (stage->conversion);
          g_string_append_printf (out, "%s, ", text);
        }
      else
        g_string_append (out, "null, ");
      json_decimal (out, "avg_days", stage->avg_days);
      json_int (out, "stuck", stage->stuck);
      json_int (out, "closed", stage->closed);
      json_decimal (out, "observed_win_rate", stage->observed_win_rate);
      json_key (out, "worst");
      g_string_append_printf (out, "%s}", (int) i == funnel->worst_step ? "true" : "false");
    }
  if (funnel->stages->len > 0)
    g_string_append_printf (out, "\n%s]}", indent);
  else
    g_string_append (out, "]}");
}

static void
print_json (GPtrArray *funnels,
            gboolean   one)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (one)
    json_funnel (out, g_ptr_array_index (funnels, 0), "");
  else
    {
      g_string_append_c (out, '[');
      for (guint i = 0; i < funnels->len; i++)
        {
          g_string_append (out, i > 0 ? ",\n" : "\n");
          json_funnel (out, g_ptr_array_index (funnels, i), "  ");
        }
      g_string_append (out, funnels->len > 0 ? "\n]" : "]");
    }
  g_string_append_c (out, '\n');
  fwrite (out->str, 1, out->len, stdout);
}

/* CSV */

static void
csv_field (GString    *out,
           const char *text)
{
  if (text[strcspn (text, ",\"\r\n")] == '\0' && !g_ascii_isspace (text[0]) &&
      (text[0] == '\0' || !g_ascii_isspace (text[strlen (text) - 1])))
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
print_csv (GPtrArray *funnels)
{
  g_autoptr(GString) out = g_string_new ("id,product_id,product,position,name,kind,probability,stuck_days,count,amount,"
                                         "weighted_amount,reached,share,conversion,avg_days,stuck,closed,"
                                         "observed_win_rate,worst\r\n");

  for (guint f = 0; f < funnels->len; f++)
    {
      const ScimFunnel *funnel = g_ptr_array_index (funnels, f);

      for (guint i = 0; i < funnel->stages->len; i++)
        {
          const ScimFunnelStage *stage = stage_at (funnel, i);
          g_autofree char *share = decimal (stage->share);
          g_autofree char *conversion = stage->conversion >= 0 ? decimal (stage->conversion) : g_strdup ("");
          g_autofree char *days = decimal (stage->avg_days);
          g_autofree char *rate = decimal (stage->observed_win_rate);

          g_string_append_printf (out, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",", stage->stage_id, funnel->product_id);
          csv_field (out, funnel->product);
          g_string_append_printf (out, ",%u,", i + 1);
          csv_field (out, stage->name);
          g_string_append_printf (out, ",%s,%d,%d,%u,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%u,%s,%s,%s,%u,%u,%s,%s\r\n",
                                  stage->kind, stage->probability, stage->stuck_days, stage->count, stage->amount,
                                  stage->weighted_amount, stage->reached, share, conversion, days, stage->stuck,
                                  stage->closed, rate, (int) i == funnel->worst_step ? "true" : "false");
        }
    }
  fwrite (out->str, 1, out->len, stdout);
}

/* Text */

static void
print_table (GPtrArray *cells,
             guint      n_columns)
{
  guint n_rows = cells->len / n_columns;
  g_autofree glong *widths = g_new0 (glong, n_columns);
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; i < cells->len; i++)
    widths[i % n_columns] = MAX (widths[i % n_columns], g_utf8_strlen (g_ptr_array_index (cells, i), -1));
  for (guint r = 0; r < n_rows; r++)
    {
      g_string_truncate (line, 0);
      for (guint c = 0; c < n_columns; c++)
        {
          const char *value = g_ptr_array_index (cells, r * n_columns + c);

          g_string_append (line, value);
          if (c + 1 < n_columns)
            for (glong pad = g_utf8_strlen (value, -1); pad < widths[c] + 2; pad++)
              g_string_append_c (line, ' ');
        }
      g_strchomp (line->str);
      g_print ("%s\n", line->str);
    }
}

static void
print_text (GPtrArray *funnels)
{
  static const char *headers[] = {
    N_("No."), N_("Stage"), N_("Kind"), N_("In work"), N_("Amount"), N_("Reached"), N_("Share"),
    N_("To next"), N_("Avg days"), N_("Stuck"), N_("Win rate"),
  };

  for (guint f = 0; f < funnels->len; f++)
    {
      const ScimFunnel *funnel = g_ptr_array_index (funnels, f);
      g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *in_work = scim_format_money (funnel->in_work_amount);
      g_autofree char *forecast = scim_format_money (funnel->forecast_amount);
      g_autofree char *configured = scim_format_money (funnel->forecast_amount_configured);

      if (f > 0)
        g_print ("\n");
      /* Translators: the heading of a funnel in scim-sales-cli funnel. */
      g_print (_("%s: %u in work (%s), %u won, %u lost, %u paused\n"), funnel->product, funnel->in_work, in_work,
               funnel->won, funnel->lost, funnel->paused);

      for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
        g_ptr_array_add (cells, g_strdup (_(headers[c])));
      for (guint i = 0; i < funnel->stages->len; i++)
        {
          const ScimFunnelStage *stage = stage_at (funnel, i);

          g_ptr_array_add (cells, g_strdup_printf ("%u", i + 1));
          g_ptr_array_add (cells, (int) i == funnel->worst_step ? g_strdup_printf ("%s ▼", stage->name)
                                                                : g_strdup (stage->name));
          g_ptr_array_add (cells, g_strdup (scim_format_kind (stage->kind)));
          g_ptr_array_add (cells, g_strdup_printf ("%u", stage->count));
          g_ptr_array_add (cells, scim_format_money (stage->amount));
          g_ptr_array_add (cells, g_strdup_printf ("%u", stage->reached));
          g_ptr_array_add (cells, percent_text (stage->share));
          g_ptr_array_add (cells, stage->conversion >= 0 ? percent_text (stage->conversion) : g_strdup ("—"));
          g_ptr_array_add (cells, g_strdup_printf ("%.1f", stage->avg_days));
          g_ptr_array_add (cells, g_strdup_printf ("%u", stage->stuck));
          g_ptr_array_add (cells, percent_text (stage->observed_win_rate));
        }
      print_table (cells, G_N_ELEMENTS (headers));
      /* Translators: expected wins and amount from the rates seen in the
       * stage history, then from the stages' configured probabilities. */
      g_print (_("Forecast: %.1f wins, %s (from the configured probabilities: %.1f wins, %s)\n"),
               funnel->forecast_wins, forecast, funnel->forecast_wins_configured, configured);
      if (funnel->worst_step >= 0)
        {
          const ScimFunnelStage *worst = stage_at (funnel, (guint) funnel->worst_step);
          g_autofree char *rate = percent_text (worst->conversion);

          g_print (_("Worst drop-off: after “%s”, %s go on.\n"), worst->name, rate);
        }
    }
}

/* Pictures */

static int
write_picture (GPtrArray *funnels,
               Output     output,
               int        width,
               int        height)
{
  ScimFunnelFormat format = output == OUT_SVG ? SCIM_FUNNEL_FORMAT_SVG
                          : output == OUT_PDF ? SCIM_FUNNEL_FORMAT_PDF : SCIM_FUNNEL_FORMAT_PNG;
  ScimFunnelMode mode = opt_mode != NULL && g_str_equal (opt_mode, "reached") ? SCIM_FUNNEL_REACHED
                                                                               : SCIM_FUNNEL_IN_WORK;
  g_autoptr(GError) error = NULL;

  if (width == 0)
    {
      guint n = MAX (funnels->len, 1);
      guint columns = MIN (n, 4);

      width = n == 1 ? DEFAULT_WIDTH : (int) (columns * DEFAULT_CELL_WIDTH);
      height = n == 1 ? DEFAULT_HEIGHT : (int) (((n + columns - 1) / columns) * DEFAULT_CELL_HEIGHT);
    }

  if (opt_output != NULL)
    {
      if (!scim_cli_funnel_export (funnels, mode, format, opt_output, width, height, &error))
        return scim_cli_fail (SCIM_CLI_USAGE, "%s", error->message);
    }
  else
    {
      g_autoptr(GOutputStream) out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);

      fflush (stdout);
      if (!scim_cli_funnel_export_to_stream (funnels, mode, format, out, width, height, &error) ||
          !g_output_stream_flush (out, NULL, &error))
        return scim_cli_fail (SCIM_CLI_USAGE, "%s", error->message);
    }
  return SCIM_CLI_OK;
}

/**
 * scim_cli_funnel_stats:
 * @g: the global options
 * @argc: arguments, "funnel" first
 * @argv: (array length=argc): the arguments
 *
 * `scim-sales-cli funnel [--product NAME] [--owner LOGIN] [--as-of DATE]
 * [--format FORMAT] [--output FILE]`.
 *
 * Returns: the exit code
 */
int
scim_cli_funnel_stats (ScimCliGlobals  *g,
                       int              argc,
                       char           **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GPtrArray) funnels = NULL;
  g_autoptr(GError) error = NULL;
  ScimFunnelFilter filter = { 0 };
  Output output;
  int width = 0, height = 0;
  int code = SCIM_CLI_OK;

  reset_options ();
  context = scim_cli_context ("funnel", NULL,
                              _("Show the funnel of each active product, or of one: per stage (paused and lost "
                                "ones too) the sales standing there, their amount, how many reached the stage "
                                "or went past it, the share of the top, conversion to the next stage, average "
                                "days there, stuck sales and the win rate seen in the stage history, with a "
                                "forecast. JSON: an object per product with its stages (one object with "
                                "--product); amounts in minor units, shares as fractions. png, svg and pdf "
                                "draw the picture."),
                              entries);
  g_option_context_set_description (context,
                                    _("Subcommands: “funnel show PRODUCT” lists a product’s stages, "
                                      "“funnel import PRODUCT FILE” replaces them."));
  if (!scim_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc > 1)
    return scim_cli_fail (SCIM_CLI_USAGE, _("“funnel %s” is not a command; funnel has show, import, or options only."),
                          argv[1]);
  if (!parse_output (opt_format, &output, &code))
    return code;
  if (opt_as_of != NULL && !parse_as_of (opt_as_of, &filter.as_of, &code))
    return code;
  if (opt_mode != NULL && !g_str_equal (opt_mode, "in-work") && !g_str_equal (opt_mode, "reached"))
    return scim_cli_fail (SCIM_CLI_USAGE, _("--mode: “%s” is not in-work or reached."), opt_mode);
  if (opt_size != NULL && !parse_size (opt_size, &width, &height, &code))
    return code;
  if (output >= OUT_PNG && opt_output == NULL && isatty (STDOUT_FILENO))
    return scim_cli_fail (SCIM_CLI_USAGE, _("A picture does not go to a terminal: name a file with --output FILE."));

  store = scim_cli_open_store (g, SCIM_STORE_NONE, FALSE, &code);
  if (store == NULL)
    return code;

  if (opt_owner != NULL)
    {
      g_autoptr(ScimUser) owner = scim_store_find_user (store, opt_owner, &error);

      if (owner == NULL)
        return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
      filter.owner_id = scim_record_get_id (SCIM_RECORD (owner));
    }

  if (opt_product != NULL)
    {
      g_autoptr(ScimProduct) product = scim_store_find_product (store, opt_product, &error);
      ScimFunnel *funnel;

      if (product == NULL)
        return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
      filter.product_id = scim_record_get_id (SCIM_RECORD (product));
      funnel = scim_store_funnel (store, &filter, &error);
      if (funnel == NULL)
        return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
      funnels = g_ptr_array_new_with_free_func ((GDestroyNotify) scim_funnel_free);
      g_ptr_array_add (funnels, funnel);
    }
  else if ((funnels = scim_store_funnels (store, &filter, &error)) == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);

  switch (output)
    {
    case OUT_TEXT:
      print_text (funnels);
      break;
    case OUT_CSV:
      print_csv (funnels);
      break;
    case OUT_JSON:
      print_json (funnels, opt_product != NULL);
      break;
    case OUT_PNG:
    case OUT_SVG:
    case OUT_PDF:
    default:
      code = write_picture (funnels, output, width, height);
      break;
    }
  reset_options ();
  return code;
}
