/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "scim-core.h"

G_BEGIN_DECLS

/* scim-sales-cli: the core for scripts and batch jobs.  Exit codes: 0 done,
 * 1 a check failed, 2 bad usage or a file it cannot use, 3 the record was
 * changed by someone else since the version given (--if-version), 4 another
 * process held the file's lock too long (try again), with a one-line reason
 * on standard error. */

enum {
  SCIM_CLI_OK = 0,
  SCIM_CLI_CHECK_FAILED = 1,
  SCIM_CLI_USAGE = 2,
  SCIM_CLI_CONFLICT = 3,
  SCIM_CLI_BUSY = 4,
};

typedef struct
{
  char     *db;
  char     *user;
  gboolean  trust_locks;
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

/**
 * ScimCliSubcommand:
 * @name: the word after the command
 * @parameters: how its usage reads after the command, for --help
 * @summary: one line, translatable with N_()
 * @func: runs it, with argv[0] naming both words
 *
 * One subcommand of a command such as `leads` or `sale`; a list of them
 * ends with an empty entry.
 */
typedef struct
{
  const char  *name;
  const char  *parameters;
  const char  *summary;
  ScimCliFunc  func;
} ScimCliSubcommand;

extern ScimCliGlobals scim_cli_globals;

/* The commands of each file, each list ending with an empty entry. */
extern const ScimCliCommand scim_cli_db_commands[];
extern const ScimCliCommand scim_cli_settings_commands[];
extern const ScimCliCommand scim_cli_leads_commands[];
/* `funnel` without a subcommand (scim-cli-funnel.c). */
int scim_cli_funnel_stats (ScimCliGlobals *globals,
                           int             argc,
                           char          **argv);
extern const ScimCliCommand scim_cli_events_commands[];
extern const ScimCliCommand scim_cli_sales_commands[];
extern const ScimCliCommand scim_cli_alerts_commands[];

/* --format of list and show commands.  Text is for people and may change;
 * CSV has a header row of the JSON keys; JSON is an array of objects (one
 * object for show commands), UTF-8 as is. */
typedef enum
{
  SCIM_CLI_FORMAT_TEXT,
  SCIM_CLI_FORMAT_CSV,
  SCIM_CLI_FORMAT_JSON,
} ScimCliFormat;

/**
 * ScimCliColumn:
 * @key: the JSON key and CSV header
 * @field: the record property it comes from
 * @title: the text header, translatable with N_()
 * @offset: added to an integer value (1 shows positions from 1)
 *
 * One column of a list printed by scim_cli_print_records().  The value's
 * type (string, integer, boolean) is the property's.
 */
typedef struct
{
  const char *key;
  const char *field;
  const char *title;
  gint64      offset;
} ScimCliColumn;

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
ScimStoreFlags  scim_cli_store_flags (ScimCliGlobals      *globals);
ScimStore      *scim_cli_open_store  (ScimCliGlobals      *globals,
                                      ScimStoreFlags       flags,
                                      gboolean             needs_user,
                                      int                 *code);
void            scim_cli_progress    (double               fraction,
                                      gpointer             user_data);
gboolean        scim_cli_parse_format (const char         *text,
                                      ScimCliFormat       *format,
                                      int                 *code);
void            scim_cli_json_string (GString             *out,
                                      const char          *text);
void            scim_cli_print_records (GListModel        *records,
                                      const ScimCliColumn *columns,
                                      ScimCliFormat        format);
char           *scim_cli_read_line   (const char          *prompt,
                                      gboolean             secret);
GHashTable     *scim_cli_load_logins (ScimStore           *store,
                                      GError             **error);
gint64          scim_cli_row_int           (GVariant      *row,
                                            const char    *key);
/* The painter and the mail, through the module that holds them
 * (scim-cli-extras.c): the core's functions of the same names. */
gboolean        scim_cli_funnel_export     (GPtrArray            *funnels,
                                            ScimFunnelMode        mode,
                                            ScimFunnelFormat      format,
                                            const char           *path,
                                            int                   width,
                                            int                   height,
                                            GError              **error);
gboolean        scim_cli_funnel_export_to_stream (GPtrArray      *funnels,
                                            ScimFunnelMode        mode,
                                            ScimFunnelFormat      format,
                                            GOutputStream        *stream,
                                            int                   width,
                                            int                   height,
                                            GError              **error);
gboolean        scim_cli_mail_send         (const ScimMailAccount *account,
                                            const char           *to,
                                            const char           *subject,
                                            const char           *body,
                                            GError              **error);
char           *scim_cli_mail_lookup_password (const char        *host,
                                            const char           *user,
                                            GError              **error);
int             scim_cli_find_subcommand (int              argc,
                                      char               **argv,
                                      const char * const  *value_options);
int             scim_cli_run_subcommand (const char        *command,
                                      const ScimCliSubcommand *subs,
                                      const char * const  *value_options,
                                      ScimCliFunc          bare,
                                      ScimCliGlobals      *globals,
                                      int                  argc,
                                      char               **argv);

G_END_DECLS
