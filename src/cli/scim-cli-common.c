/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "scim-cli.h"

/* Helpers every command shares: options, errors, opening the store. */

/* Filled by the option parser of whichever command runs. */
ScimCliGlobals scim_cli_globals;

static const GOptionEntry global_entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &scim_cli_globals.db, N_("The database file (default: the app’s own)"), N_("FILE") },
  { "user", 0, 0, G_OPTION_ARG_STRING, &scim_cli_globals.user, N_("Act as this user (needed by commands that write)"), N_("LOGIN") },
  { "trust-locks", 0, 0, G_OPTION_ARG_NONE, &scim_cli_globals.trust_locks,
    N_("Write to a file on a mount whose locks may not work (sshfs, GVFS, other FUSE, “nobrl”, “nolock”); "
       "only when you know they do"), NULL },
  { NULL }
};

int
scim_cli_fail (int         code,
               const char *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* One line: scripts read the reason with `2>&1 | tail -1`. */
  g_strdelimit (message, "\n", ' ');
  fprintf (stderr, "scim-sales-cli: %s\n", message);
  return code;
}

char *
scim_cli_db_path (ScimCliGlobals *g)
{
  if (g->db != NULL)
    return g_canonicalize_filename (g->db, NULL);
  return scim_store_get_default_path ();
}

GOptionContext *
scim_cli_context (const char         *name,
                  const char         *parameters,
                  const char         *summary,
                  const GOptionEntry *entries)
{
  g_autofree char *title = g_strdup_printf ("%s %s", name, parameters != NULL ? parameters : "");
  GOptionContext *context = g_option_context_new (title);

  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* Global options are shown with each command's own. */
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);
  return context;
}

gboolean
scim_cli_parse (GOptionContext  *context,
                int             *argc,
                char          ***argv,
                int             *code)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *code = scim_cli_fail (SCIM_CLI_USAGE, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

int
scim_cli_error_code (const GError *error)
{
  if (g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CORRUPT))
    return SCIM_CLI_CHECK_FAILED;
  if (g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT))
    return SCIM_CLI_CONFLICT;
  if (g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_BUSY))
    return SCIM_CLI_BUSY;
  return SCIM_CLI_USAGE;
}

static char *
read_password (const char *login)
{
  const char *env = g_getenv ("SCIM_SALES_PASSWORD");
  struct termios old, quiet;
  char buf[512];
  char *line;

  if (env != NULL)
    return g_strdup (env);
  if (!isatty (STDIN_FILENO))
    return NULL;

  fprintf (stderr, _("Password for %s: "), login);
  tcgetattr (STDIN_FILENO, &old);
  quiet = old;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  tcsetattr (STDIN_FILENO, TCSANOW, &quiet);
  line = fgets (buf, sizeof buf, stdin);
  tcsetattr (STDIN_FILENO, TCSANOW, &old);
  fputc ('\n', stderr);
  if (line == NULL)
    return NULL;
  g_strchomp (buf);
  return g_strdup (buf);
}

/* The flags every open of the command line adds: --trust-locks. */
ScimStoreFlags
scim_cli_store_flags (ScimCliGlobals *g)
{
  return g->trust_locks ? SCIM_STORE_TRUST_LOCKS : SCIM_STORE_NONE;
}

/* Opens the database and, for a writing command, signs in as --user. */
ScimStore *
scim_cli_open_store (ScimCliGlobals  *g,
                     ScimStoreFlags   flags,
                     gboolean         needs_user,
                     int             *code)
{
  g_autofree char *path = scim_cli_db_path (g);
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;

  /* No page check at open, which would read the whole file (seconds on a
   * big one): a damaged page that a command reads fails it with its own
   * clear error, and a write that meets one rolls back whole, as in the
   * app.  "check" runs the full check; an upgrade still checks first. */
  flags |= scim_cli_store_flags (g);
  /* A command that only reads is not "online": it registers no session,
   * which would cost two commits (six syncs, more on a share) and a
   * heartbeat thread for a listing of a few milliseconds. */
  if (!needs_user)
    flags |= SCIM_STORE_NO_SESSION;
  store = scim_store_open (path, flags | SCIM_STORE_NO_CHECK, &error);
  if (store == NULL)
    {
      *code = scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
      return NULL;
    }

  if (needs_user && scim_store_is_read_only (store))
    {
      if (scim_store_get_fs_kind (store) == SCIM_FS_UNSAFE && !scim_store_is_damaged (store))
        *code = scim_cli_fail (SCIM_CLI_USAGE, "%s %s", scim_store_get_read_only_reason (store),
                               _("If you know that file locks work on this mount, run the command again "
                                 "with --trust-locks."));
      else
        *code = scim_cli_fail (SCIM_CLI_USAGE, "%s", scim_store_get_read_only_reason (store));
      return NULL;
    }

  if (g->user != NULL)
    {
      g_autoptr(ScimUser) user = scim_store_find_user (store, g->user, &error);
      g_autofree char *password = NULL;
      g_autoptr(ScimUser) signed_in = NULL;

      if (user == NULL)
        {
          *code = scim_cli_fail (SCIM_CLI_USAGE, "%s", error->message);
          return NULL;
        }
      if (scim_record_get_bool (SCIM_RECORD (user), "has-password"))
        password = read_password (g->user);
      signed_in = scim_store_sign_in (store, g->user, password, &error);
      if (signed_in == NULL)
        {
          *code = scim_cli_fail (SCIM_CLI_USAGE, "%s", error->message);
          return NULL;
        }
    }
  else if (needs_user)
    {
      *code = scim_cli_fail (SCIM_CLI_USAGE, _("This command changes the database: say who you are with --user LOGIN."));
      return NULL;
    }

  return g_steal_pointer (&store);
}

void
scim_cli_progress (double   fraction,
                   gpointer user_data)
{
  int *last = user_data;
  int percent = (int) (fraction * 100);

  if (percent != *last && isatty (STDERR_FILENO))
    {
      fprintf (stderr, "\r%3d%%", percent);
      fflush (stderr);
      *last = percent;
    }
}


gboolean
scim_cli_parse_format (const char    *text,
                       ScimCliFormat *format,
                       int           *code)
{
  if (text == NULL || g_str_equal (text, "text"))
    *format = SCIM_CLI_FORMAT_TEXT;
  else if (g_str_equal (text, "csv"))
    *format = SCIM_CLI_FORMAT_CSV;
  else if (g_str_equal (text, "json"))
    *format = SCIM_CLI_FORMAT_JSON;
  else
    {
      *code = scim_cli_fail (SCIM_CLI_USAGE, _("--format: “%s” is not text, csv or json."), text);
      return FALSE;
    }
  return TRUE;
}

/* A JSON string: quotes, backslashes and control characters are escaped,
 * everything else (all of UTF-8) is written as it is. */
void
scim_cli_json_string (GString    *out,
                      const char *text)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) (text != NULL ? text : ""); *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
          break;
        }
    }
  g_string_append_c (out, '"');
}

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

typedef enum
{
  CELL_STRING,
  CELL_INT,
  CELL_BOOL,
} CellType;

/* The value of one column of @record as text, and its type. */
static char *
cell_value (ScimRecord          *record,
            const ScimCliColumn *column,
            CellType            *type)
{
  GParamSpec *pspec;

  if (g_str_equal (column->field, "id"))
    {
      *type = CELL_INT;
      return g_strdup_printf ("%" G_GINT64_FORMAT, scim_record_get_id (record));
    }
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (record), column->field);
  g_return_val_if_fail (pspec != NULL, g_strdup (""));

  if (pspec->value_type == G_TYPE_INT64)
    {
      *type = CELL_INT;
      return g_strdup_printf ("%" G_GINT64_FORMAT, scim_record_get_int (record, column->field) + column->offset);
    }
  if (pspec->value_type == G_TYPE_BOOLEAN)
    {
      *type = CELL_BOOL;
      return g_strdup (scim_record_get_bool (record, column->field) ? "true" : "false");
    }
  *type = CELL_STRING;
  return g_strdup (scim_record_get_string (record, column->field));
}

static void
print_text (GListModel          *records,
            const ScimCliColumn *columns,
            guint                n_columns)
{
  guint n_rows = g_list_model_get_n_items (records);
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autofree glong *widths = g_new0 (glong, n_columns);
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint c = 0; c < n_columns; c++)
    {
      g_ptr_array_add (cells, g_strdup (_(columns[c].title)));
      widths[c] = g_utf8_strlen (_(columns[c].title), -1);
    }
  for (guint r = 0; r < n_rows; r++)
    {
      g_autoptr(ScimRecord) record = g_list_model_get_item (records, r);

      for (guint c = 0; c < n_columns; c++)
        {
          CellType type;
          char *value = cell_value (record, &columns[c], &type);

          if (type == CELL_BOOL)
            {
              gboolean yes = g_str_equal (value, "true");
              g_free (value);
              value = g_strdup (yes ? _("yes") : _("no"));
            }
          /* One row a line: a field's own line breaks become spaces. */
          g_strdelimit (value, "\r\n\t", ' ');
          widths[c] = MAX (widths[c], g_utf8_strlen (value, -1));
          g_ptr_array_add (cells, value);
        }
    }

  for (guint r = 0; r <= n_rows; r++)
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

/**
 * scim_cli_print_records:
 * @records: a #GListModel of loaded #ScimRecord
 * @columns: the columns, ending with an empty one
 * @format: how
 *
 * Prints a whole list on standard output.  JSON gives each object the
 * record's "id" first.
 */
void
scim_cli_print_records (GListModel          *records,
                        const ScimCliColumn *columns,
                        ScimCliFormat        format)
{
  guint n_rows = g_list_model_get_n_items (records);
  guint n_columns = 0;
  g_autoptr(GString) out = g_string_new (NULL);

  while (columns[n_columns].key != NULL)
    n_columns++;

  if (format == SCIM_CLI_FORMAT_TEXT)
    {
      print_text (records, columns, n_columns);
      return;
    }

  if (format == SCIM_CLI_FORMAT_CSV)
    {
      g_string_append (out, "id");
      for (guint c = 0; c < n_columns; c++)
        {
          g_string_append_c (out, ',');
          csv_field (out, columns[c].key);
        }
      g_string_append (out, "\r\n");
    }
  else
    g_string_append_c (out, '[');

  for (guint r = 0; r < n_rows; r++)
    {
      g_autoptr(ScimRecord) record = g_list_model_get_item (records, r);

      if (format == SCIM_CLI_FORMAT_CSV)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, scim_record_get_id (record));
      else
        g_string_append_printf (out, "%s\n  {\"id\": %" G_GINT64_FORMAT, r > 0 ? "," : "",
                                scim_record_get_id (record));
      for (guint c = 0; c < n_columns; c++)
        {
          CellType type;
          g_autofree char *value = cell_value (record, &columns[c], &type);

          if (format == SCIM_CLI_FORMAT_CSV)
            {
              g_string_append_c (out, ',');
              csv_field (out, value);
              continue;
            }
          g_string_append (out, ", ");
          scim_cli_json_string (out, columns[c].key);
          g_string_append (out, ": ");
          if (type == CELL_STRING)
            scim_cli_json_string (out, value);
          else
            g_string_append (out, value);
        }
      g_string_append (out, format == SCIM_CLI_FORMAT_CSV ? "\r\n" : "}");
    }
  if (format == SCIM_CLI_FORMAT_JSON)
    g_string_append (out, n_rows > 0 ? "\n]\n" : "]\n");

  fwrite (out->str, 1, out->len, stdout);
}

/* The first line of standard input, without its line break; at a terminal
 * after @prompt (without echo when @secret).  %NULL at end of input. */
char *
scim_cli_read_line (const char *prompt,
                    gboolean    secret)
{
  gboolean tty = isatty (STDIN_FILENO);
  struct termios old, quiet;
  g_autoptr(GString) line = g_string_new (NULL);
  gboolean got = FALSE;
  int c;

  if (tty)
    {
      fprintf (stderr, "%s", prompt);
      if (secret)
        {
          tcgetattr (STDIN_FILENO, &old);
          quiet = old;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          tcsetattr (STDIN_FILENO, TCSANOW, &quiet);
        }
    }
  while ((c = getchar ()) != EOF)
    {
      got = TRUE;
      if (c == '\n')
        break;
      g_string_append_c (line, (char) c);
    }
  if (tty && secret)
    {
      tcsetattr (STDIN_FILENO, TCSANOW, &old);
      fputc ('\n', stderr);
    }
  if (!got)
    return NULL;
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* Subcommands */

/**
 * scim_cli_find_subcommand:
 * @value_options: (array zero-terminated=1): options that take a value
 *
 * Returns: the index of the first word after the command that is neither an
 * option nor an option's value; 0 when there is none
 */
int
scim_cli_find_subcommand (int                 argc,
                          char              **argv,
                          const char * const *value_options)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_strv_contains (value_options, argv[i]))
        {
          i++;
          continue;
        }
      if (argv[i][0] != '-')
        return i;
    }
  return 0;
}

static gboolean
wants_help (int    argc,
            char **argv)
{
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
      return TRUE;
  return FALSE;
}

/**
 * scim_cli_run_subcommand:
 * @command: the command's word, such as "leads"
 * @subs: its subcommands
 * @value_options: (array zero-terminated=1): options that take a value, so
 *   the subcommand is found after them
 * @bare: (nullable): what runs without a subcommand; %NULL makes that a
 *   usage error (with --help, the list of subcommands)
 *
 * Runs the subcommand named in @argv with the other words, argv[0] naming
 * both words for GOption's usage line.
 */
int
scim_cli_run_subcommand (const char              *command,
                         const ScimCliSubcommand *subs,
                         const char * const      *value_options,
                         ScimCliFunc              bare,
                         ScimCliGlobals          *globals,
                         int                      argc,
                         char                   **argv)
{
  g_autoptr(GString) names = g_string_new (NULL);
  int index = scim_cli_find_subcommand (argc, argv, value_options);

  for (const ScimCliSubcommand *s = subs; s->name != NULL; s++)
    g_string_append_printf (names, "%s%s", s != subs ? ", " : "", s->name);

  if (index == 0 && bare != NULL)
    return bare (globals, argc, argv);
  if (index == 0)
    {
      if (wants_help (argc, argv))
        {
          g_print (_("Usage: scim-sales-cli [--db FILE] [--user LOGIN] %s SUBCOMMAND [OPTIONS…]\n\n"), command);
          g_print ("%s\n", _("Subcommands:"));
          for (const ScimCliSubcommand *s = subs; s->name != NULL; s++)
            g_print ("  %s %s\n      %s\n", command, s->parameters != NULL ? s->parameters : s->name,
                     _(s->summary));
          g_print ("\n%s\n", _("Run “scim-sales-cli COMMAND SUBCOMMAND --help” for the options of a subcommand."));
          return SCIM_CLI_OK;
        }
      return scim_cli_fail (SCIM_CLI_USAGE, _("%s needs a subcommand: %s."), command, names->str);
    }

  for (const ScimCliSubcommand *s = subs; s->name != NULL; s++)
    {
      g_autofree char *title = NULL;
      g_autoptr(GPtrArray) args = NULL;

      if (!g_str_equal (s->name, argv[index]))
        continue;
      title = g_strdup_printf ("%s %s", command, s->name);
      args = g_ptr_array_new ();
      g_ptr_array_add (args, title);
      for (int i = 1; i < argc; i++)
        if (i != index)
          g_ptr_array_add (args, argv[i]);
      g_ptr_array_add (args, NULL);
      return s->func (globals, (int) args->len - 1, (char **) args->pdata);
    }
  return scim_cli_fail (SCIM_CLI_USAGE, _("“%s %s” is not a command; %s has %s."), command, argv[index], command,
                        names->str);
}

/* Rows */

/**
 * scim_cli_load_logins:
 *
 * Returns: (transfer full) (element-type gint64 utf8): every user's login by
 *   id, as scripts match on logins, not on names; %NULL with @error set
 */
GHashTable *
scim_cli_load_logins (ScimStore  *store,
                      GError    **error)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_USERS);
  g_autoptr(GListModel) users = scim_store_list (store, query, error);
  g_autoptr(GHashTable) logins = NULL;

  if (users == NULL)
    return NULL;
  logins = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  for (guint i = 0; i < g_list_model_get_n_items (users); i++)
    {
      g_autoptr(ScimRecord) user = g_list_model_get_item (users, i);
      gint64 id = scim_record_get_id (user);

      g_hash_table_insert (logins, g_memdup2 (&id, sizeof id), g_strdup (scim_record_get_string (user, "login")));
    }
  return g_steal_pointer (&logins);
}

/* An integer column of @row; 0 when it has none. */
gint64
scim_cli_row_int (GVariant   *row,
                  const char *key)
{
  g_autoptr(GVariant) value = scim_row_lookup (row, key);

  return value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_INT64) ? g_variant_get_int64 (value) : 0;
}
