/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include "scim-cli.h"

/* Helpers every command shares: options, errors, opening the store. */

/* Filled by the option parser of whichever command runs. */
ScimCliGlobals scim_cli_globals;

static const GOptionEntry global_entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &scim_cli_globals.db, N_("The database file (default: the app’s own)"), N_("FILE") },
  { "user", 0, 0, G_OPTION_ARG_STRING, &scim_cli_globals.user, N_("Act as this user (needed by commands that write)"), N_("LOGIN") },
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
  return g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CORRUPT) ? SCIM_CLI_CHECK_FAILED : SCIM_CLI_USAGE;
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

  store = scim_store_open (path, flags, &error);
  if (store == NULL)
    {
      *code = scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
      return NULL;
    }

  if (needs_user && scim_store_is_read_only (store))
    {
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

