/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "scim-core.h"

G_BEGIN_DECLS

/* scim-sales-cli: the core for scripts and batch jobs.  Exit codes: 0 done,
 * 1 a check failed, 2 bad usage or a file it cannot use, with a one-line
 * reason on standard error. */

enum {
  SCIM_CLI_OK = 0,
  SCIM_CLI_CHECK_FAILED = 1,
  SCIM_CLI_USAGE = 2,
};

typedef struct
{
  char *db;
  char *user;
} ScimCliGlobals;

typedef int (*ScimCliFunc) (ScimCliGlobals *globals,
                            int             argc,
                            char          **argv);

typedef struct
{
  const char  *name;
  const char  *summary;
  ScimCliFunc  func;
} ScimCliCommand;

extern ScimCliGlobals scim_cli_globals;

/* The commands of each file, each list ending with an empty entry. */
extern const ScimCliCommand scim_cli_db_commands[];

int             scim_cli_fail        (int                  code,
                                      const char          *format,
                                      ...) G_GNUC_PRINTF (2, 3);
char           *scim_cli_db_path     (ScimCliGlobals      *globals);
GOptionContext *scim_cli_context     (const char          *name,
                                      const char          *parameters,
                                      const char          *summary,
                                      const GOptionEntry  *entries);
gboolean        scim_cli_parse       (GOptionContext      *context,
                                      int                 *argc,
                                      char              ***argv,
                                      int                 *code);
int             scim_cli_error_code  (const GError        *error);
ScimStore      *scim_cli_open_store  (ScimCliGlobals      *globals,
                                      ScimStoreFlags       flags,
                                      gboolean             needs_user,
                                      int                 *code);
void            scim_cli_progress    (double               fraction,
                                      gpointer             user_data);

G_END_DECLS
