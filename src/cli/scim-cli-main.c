/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "scim-cli.h"

static const ScimCliCommand *command_lists[] = {
  scim_cli_db_commands,
  scim_cli_settings_commands,
  scim_cli_leads_commands,
  scim_cli_events_commands,
  scim_cli_sales_commands,
  scim_cli_alerts_commands,
};

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: scim-sales-cli [--db FILE] [--user LOGIN] COMMAND [OPTIONS…]"));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint l = 0; l < G_N_ELEMENTS (command_lists); l++)
    for (const ScimCliCommand *c = command_lists[l]; c->name != NULL; c++)
      fprintf (out, "  %-10s %s\n", c->name, _(c->summary));
  fprintf (out, "\n%s\n", _("Run “scim-sales-cli COMMAND --help” for the options of a command."));
}

int
main (int    argc,
      char **argv)
{
  const ScimCliCommand *command = NULL;
  int first = 0;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("SCIM_LOCALEDIR") != NULL ? g_getenv ("SCIM_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* The command is the first word that is neither an option nor the value
   * of a global option; global options may come before or after it. */
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--db") || g_str_equal (argv[i], "--user"))
        {
          i++;
          continue;
        }
      if (argv[i][0] != '-')
        {
          first = i;
          break;
        }
      if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_usage (stdout);
          return SCIM_CLI_OK;
        }
      if (g_str_equal (argv[i], "--version"))
        {
          g_print ("scim-sales-cli %s\n", PACKAGE_VERSION);
          return SCIM_CLI_OK;
        }
    }

  if (first == 0)
    {
      print_usage (stderr);
      return scim_cli_fail (SCIM_CLI_USAGE, _("Name a command."));
    }

  for (guint l = 0; l < G_N_ELEMENTS (command_lists); l++)
    for (const ScimCliCommand *c = command_lists[l]; c->name != NULL; c++)
      if (g_str_equal (c->name, argv[first]))
        command = c;
  if (command == NULL)
    return scim_cli_fail (SCIM_CLI_USAGE, _("“%s” is not a command. Run “scim-sales-cli --help” for the list."), argv[first]);

  /* Hand the command its words with the command name in front, as GOption
   * expects argv[0]; global options are parsed along with its own. */
  {
    g_autoptr(GPtrArray) args = g_ptr_array_new ();
    int code;

    g_ptr_array_add (args, argv[first]);
    for (int i = 1; i < argc; i++)
      if (i != first)
        g_ptr_array_add (args, argv[i]);
    g_ptr_array_add (args, NULL);

    code = command->func (&scim_cli_globals, (int) args->len - 1, (char **) args->pdata);
    g_free (scim_cli_globals.db);
    g_free (scim_cli_globals.user);
    return code;
  }
}
