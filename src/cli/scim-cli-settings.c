/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-cli-settings"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "scim-cli.h"

/* The Settings commands: users, products, funnel.  Each has subcommands:
 * `scim-sales-cli users list`, `… funnel import PRODUCT FILE`. */

/* Options that take a value, so the subcommand is found after them. */
static const char * const value_options[] = {
  "--db", "--user", "--format", "--role", "--name", "--email", NULL,
};

static char *opt_format;
static char *opt_role;
static char *opt_name;
static char *opt_email;
static gboolean opt_may_accept;

static const GOptionEntry format_entries[] = {
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, N_("text, csv or json (default: text)"), N_("FORMAT") },
  { NULL }
};

static gboolean
parse (const char          *name,
       const char          *parameters,
       const char          *summary,
       const GOptionEntry  *entries,
       int                 *argc,
       char              ***argv,
       int                  n_args,
       int                 *code)
{
  g_autoptr(GOptionContext) context = scim_cli_context (name, parameters, summary, entries);

  if (!scim_cli_parse (context, argc, argv, code))
    return FALSE;
  if (*argc - 1 != n_args)
    {
      if (n_args == 0)
        *code = scim_cli_fail (SCIM_CLI_USAGE, _("%s takes no arguments."), name);
      else
        *code = scim_cli_fail (SCIM_CLI_USAGE, _("%s needs the arguments %s."), name, parameters);
      return FALSE;
    }
  return TRUE;
}

static gint64
find_user_id (ScimStore  *store,
              const char *login,
              int        *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimUser) user = scim_store_find_user (store, login, &error);

  if (user == NULL)
    {
      *code = scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
      return 0;
    }
  return scim_record_get_id (SCIM_RECORD (user));
}

static int
print_list (ScimCliGlobals      *g,
            ScimQuery           *query,
            const ScimCliColumn *columns)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GListModel) list = NULL;
  g_autoptr(GError) error = NULL;
  ScimCliFormat format;
  int code = SCIM_CLI_OK;

  if (!scim_cli_parse_format (opt_format, &format, &code))
    return code;
  store = scim_cli_open_store (g, SCIM_STORE_NONE, FALSE, &code);
  if (store == NULL)
    return code;
  list = scim_store_list (store, query, &error);
  if (list == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  scim_cli_print_records (list, columns, format);
  return SCIM_CLI_OK;
}

/* users */

static const ScimCliColumn user_columns[] = {
  { "login", "login", N_("Login"), 0 },
  { "full_name", "full-name", N_("Full name"), 0 },
  { "email", "email", N_("E-mail"), 0 },
  { "role", "role", N_("Role"), 0 },
  { "may_accept", "may-accept", N_("Accepts leads"), 0 },
  { "active", "active", N_("Active"), 0 },
  { "has_password", "has-password", N_("Password"), 0 },
  { NULL }
};

static int
cmd_users_list (ScimCliGlobals  *g,
                int              argc,
                char           **argv)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_USERS);
  int code = SCIM_CLI_OK;

  if (!parse ("users list", NULL, _("List the users: login, full name, e-mail, role, whether they accept leads, "
                                    "are active and have a password."),
              format_entries, &argc, &argv, 0, &code))
    return code;
  return print_list (g, query, user_columns);
}

static const GOptionEntry users_add_entries[] = {
  { "role", 0, 0, G_OPTION_ARG_STRING, &opt_role, N_("sales, head or admin"), N_("ROLE") },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name, N_("The user’s full name"), N_("TEXT") },
  { "email", 0, 0, G_OPTION_ARG_STRING, &opt_email, N_("The user’s e-mail address"), N_("ADDRESS") },
  { "may-accept", 0, 0, G_OPTION_ARG_NONE, &opt_may_accept,
    N_("A salesperson who may accept leads (heads and administrators always may)"), NULL },
  { NULL }
};

static int
cmd_users_add (ScimCliGlobals  *g,
               int              argc,
               char           **argv)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  ScimRole role;
  int code = SCIM_CLI_OK;

  if (!parse ("users add", "LOGIN", _("Add a user without a password (set one with “users set-password”). "
                                      "Administrators only."),
              users_add_entries, &argc, &argv, 1, &code))
    return code;
  if (opt_role == NULL)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--role: say the user’s role: sales, head or admin."));
  if (!scim_role_from_string (opt_role, &role))
    return scim_cli_fail (SCIM_CLI_USAGE, _("--role: “%s” is not sales, head or admin."), opt_role);

  store = scim_cli_open_store (g, SCIM_STORE_NONE, TRUE, &code);
  if (store == NULL)
    return code;
  if (scim_store_add_user (store, argv[1], opt_name, opt_email, role, opt_may_accept, NULL, &error) == 0)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  g_print (_("Added the user %s (%s).\n"), argv[1], scim_role_get_label (role));
  return SCIM_CLI_OK;
}

static int
cmd_users_set_role (ScimCliGlobals  *g,
                    int              argc,
                    char           **argv)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  ScimRole role;
  gint64 user_id;
  int code = SCIM_CLI_OK;

  if (!parse ("users set-role", "LOGIN ROLE",
              _("Change a user’s role to sales, head or admin. The last administrator keeps the role. "
                "Administrators only."),
              NULL, &argc, &argv, 2, &code))
    return code;
  if (!scim_role_from_string (argv[2], &role))
    return scim_cli_fail (SCIM_CLI_USAGE, _("ROLE: “%s” is not sales, head or admin."), argv[2]);

  store = scim_cli_open_store (g, SCIM_STORE_NONE, TRUE, &code);
  if (store == NULL)
    return code;
  user_id = find_user_id (store, argv[1], &code);
  if (user_id == 0)
    return code;
  if (!scim_store_set_user_role (store, user_id, role, &error))
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  g_print (_("%s is now: %s.\n"), argv[1], scim_role_get_label (role));
  return SCIM_CLI_OK;
}

static int
cmd_users_set_password (ScimCliGlobals  *g,
                        int              argc,
                        char           **argv)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prompt = NULL;
  g_autofree char *password = NULL;
  gint64 user_id;
  int code = SCIM_CLI_OK;

  if (!parse ("users set-password", "LOGIN",
              _("Set a user’s password, read from the first line of standard input. Users set their own; "
                "administrators anyone’s."),
              NULL, &argc, &argv, 1, &code))
    return code;

  /* Sign in first: at a terminal, the acting user's own password is asked
   * before the new one. */
  store = scim_cli_open_store (g, SCIM_STORE_NONE, TRUE, &code);
  if (store == NULL)
    return code;
  user_id = find_user_id (store, argv[1], &code);
  if (user_id == 0)
    return code;

  prompt = g_strdup_printf (_("New password for %s: "), argv[1]);
  password = scim_cli_read_line (prompt, TRUE);
  if (password == NULL || password[0] == '\0')
    return scim_cli_fail (SCIM_CLI_USAGE,
                          _("The new password is empty. Write it on the first line of standard input."));
  if (!scim_store_set_password (store, user_id, password, &error))
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  g_print (_("Password of %s set.\n"), argv[1]);
  return SCIM_CLI_OK;
}

static const ScimCliSubcommand users_subcommands[] = {
  { "list", "list [--format FORMAT]", N_("List the users"), cmd_users_list },
  { "add", "add LOGIN --role ROLE", N_("Add a user"), cmd_users_add },
  { "set-role", "set-role LOGIN ROLE", N_("Change a user’s role"), cmd_users_set_role },
  { "set-password", "set-password LOGIN", N_("Set a password from standard input"), cmd_users_set_password },
  { NULL }
};

static int
cmd_users (ScimCliGlobals  *g,
           int              argc,
           char           **argv)
{
  return scim_cli_run_subcommand ("users", users_subcommands, value_options, NULL, g, argc, argv);
}

/* products */

static const ScimCliColumn product_columns[] = {
  { "name", "name", N_("Product"), 0 },
  { "audience", "audience", N_("Audience"), 0 },
  { "manager", "manager", N_("Manager"), 0 },
  { "active", "active", N_("Active"), 0 },
  { "stages", "stage-count", N_("Stages"), 0 },
  { "sales", "sale-count", N_("Sales"), 0 },
  { NULL }
};

static int
cmd_products_list (ScimCliGlobals  *g,
                   int              argc,
                   char           **argv)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_PRODUCTS);
  int code = SCIM_CLI_OK;

  if (!parse ("products list", NULL,
              _("List the products: name, target audience, product manager, whether active, "
                "number of stages and of sales."),
              format_entries, &argc, &argv, 0, &code))
    return code;
  return print_list (g, query, product_columns);
}

static const ScimCliSubcommand products_subcommands[] = {
  { "list", "list [--format FORMAT]", N_("List the products"), cmd_products_list },
  { NULL }
};

static int
cmd_products (ScimCliGlobals  *g,
              int              argc,
              char           **argv)
{
  return scim_cli_run_subcommand ("products", products_subcommands, value_options, NULL, g, argc, argv);
}

/* funnel */

static const ScimCliColumn stage_columns[] = {
  { "position", "position", N_("No."), 1 },
  { "name", "name", N_("Stage"), 0 },
  { "kind", "kind", N_("Kind"), 0 },
  { "probability", "probability", N_("Probability"), 0 },
  { "stuck_days", "stuck-days", N_("Stuck after"), 0 },
  { "sales", "sale-count", N_("Sales"), 0 },
  { NULL }
};

static int
cmd_funnel_show (ScimCliGlobals  *g,
                 int              argc,
                 char           **argv)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(ScimProduct) product = NULL;
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_STAGES);
  g_autoptr(GListModel) stages = NULL;
  g_autoptr(GError) error = NULL;
  ScimCliFormat format;
  int code = SCIM_CLI_OK;

  if (!parse ("funnel show", "PRODUCT",
              _("Show a product’s funnel: its stages in order (position from 1), kind, win probability, "
                "days after which a sale is stuck (0: never) and the sales at each stage."),
              format_entries, &argc, &argv, 1, &code))
    return code;
  if (!scim_cli_parse_format (opt_format, &format, &code))
    return code;
  store = scim_cli_open_store (g, SCIM_STORE_NONE, FALSE, &code);
  if (store == NULL)
    return code;
  product = scim_store_find_product (store, argv[1], &error);
  if (product == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  query->product_id = scim_record_get_id (SCIM_RECORD (product));
  stages = scim_store_list (store, query, &error);
  if (stages == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  scim_cli_print_records (stages, stage_columns, format);
  return SCIM_CLI_OK;
}

static int
cmd_funnel_import (ScimCliGlobals  *g,
                   int              argc,
                   char           **argv)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_STAGES);
  g_autoptr(GListModel) stages = NULL;
  gint64 product_id = 0;
  int code = SCIM_CLI_OK;

  if (!parse ("funnel import", "PRODUCT FILE",
              _("Make a product’s funnel the one in FILE (“-”: standard input), one stage a line: "
                "name;kind;probability;stuck_days, kind being open, won, lost or paused. The product is "
                "created when it does not exist. Stages are matched by name: they keep their sales; stages "
                "not in the file are deleted, unless sales are at them. A bad file changes nothing. "
                "Administrators only."),
              NULL, &argc, &argv, 2, &code))
    return code;

  if (g_str_equal (argv[2], "-"))
    {
      g_autoptr(GString) in = g_string_new (NULL);
      char buf[4096];
      size_t n;

      while ((n = fread (buf, 1, sizeof buf, stdin)) > 0)
        g_string_append_len (in, buf, (gssize) n);
      text = g_string_free (g_steal_pointer (&in), FALSE);
    }
  else if (!g_file_get_contents (argv[2], &text, NULL, &error))
    return scim_cli_fail (SCIM_CLI_USAGE, _("Cannot read the funnel file: %s"), error->message);

  store = scim_cli_open_store (g, SCIM_STORE_NONE, TRUE, &code);
  if (store == NULL)
    return code;
  if (!scim_store_import_funnel (store, argv[1], text, &product_id, &error))
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);

  query->product_id = product_id;
  stages = scim_store_list (store, query, NULL);
  g_print (g_dngettext (GETTEXT_PACKAGE, "The funnel of “%s” now has %u stage.\n",
                        "The funnel of “%s” now has %u stages.\n",
                        stages != NULL ? g_list_model_get_n_items (stages) : 0),
           argv[1], stages != NULL ? g_list_model_get_n_items (stages) : 0);
  return SCIM_CLI_OK;
}

static const ScimCliSubcommand funnel_subcommands[] = {
  { "show", "show PRODUCT [--format FORMAT]", N_("Show a product’s stages"), cmd_funnel_show },
  { "import", "import PRODUCT FILE", N_("Replace a product’s funnel from a file"), cmd_funnel_import },
  { NULL }
};

/* With show or import, those; without a subcommand, the funnel's
 * statistics and picture (scim-cli-funnel.c). */
static int
cmd_funnel (ScimCliGlobals  *g,
            int              argc,
            char           **argv)
{
  static const char * const stats_options[] = { "--product", "--owner", "--as-of", "--output", "--mode", "--size", NULL };

  for (int i = 1; i < argc; i++)
    {
      if (g_strv_contains (value_options, argv[i]) || g_strv_contains (stats_options, argv[i]))
        i++;
      else if (argv[i][0] != '-')
        return scim_cli_run_subcommand ("funnel", funnel_subcommands, value_options, NULL, g, argc, argv);
    }
  return scim_cli_funnel_stats (g, argc, argv);
}

const ScimCliCommand scim_cli_settings_commands[] = {
  { "users", N_("List and manage users: list, add, set-role, set-password"), cmd_users },
  { "products", N_("List the products: list"), cmd_products },
  { "funnel", N_("Funnel statistics and pictures; show or import a product’s funnel: show, import"), cmd_funnel },
  { NULL }
};
