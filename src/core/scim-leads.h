/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scim-query.h"
#include "scim-records.h"
#include "scim-store.h"

G_BEGIN_DECLS

/* The Leads module's writes and reports: the lead card, acceptance and
 * rejection, bulk actions, CSV import and export.  Role checks live here:
 * anyone may add a lead and edit a new lead; a person who may accept leads
 * (heads, admins, and users with may_accept) accepts, rejects and assigns. */

typedef struct
{
  const char *name;          /* the contact person as received */
  const char *company;
  const char *position;
  const char *phone;
  const char *email;
  const char *tax_id;
  const char *source;        /* where it came from: website, exhibition… */
  const char *channel;       /* the marketing channel */
  gint64      product_id;    /* product of interest, 0: none */
  const char *notes;
  gint64      received_at;   /* UTC seconds; 0: now */
  gint64      owner_id;      /* the salesperson, 0: none yet */
} ScimLeadFields;

gint64      scim_store_add_lead        (ScimStore            *store,
                                        const ScimLeadFields *fields,
                                        GError              **error);
gboolean    scim_store_update_lead     (ScimStore            *store,
                                        gint64                lead_id,
                                        gint64                version,
                                        const ScimLeadFields *fields,
                                        GError              **error);
/* Deleting returns the row as it was, so that undo can put it back. */
GVariant   *scim_store_delete_lead     (ScimStore            *store,
                                        gint64                lead_id,
                                        GError              **error);
gboolean    scim_store_restore_lead    (ScimStore            *store,
                                        GVariant             *row,
                                        GError              **error);

/* One line of a lead's history: when, who, what (translated). */
typedef struct
{
  gint64  at;
  char   *who;
  char   *what;
} ScimHistoryEntry;

void        scim_history_entry_free    (ScimHistoryEntry     *entry);
GPtrArray  *scim_store_lead_history    (ScimStore            *store,
                                        gint64                lead_id,
                                        GError              **error);

/* Clients that may be this lead's company: same tax id, phone, e-mail or name. */
GListModel *scim_store_suggest_clients (ScimStore            *store,
                                        gint64                lead_id,
                                        GError              **error);

/* Other leads with the lead's phone, e-mail or tax id, and merging two. */
GListModel *scim_store_find_duplicate_leads (ScimStore       *store,
                                        gint64                lead_id,
                                        GError              **error);
gboolean    scim_store_merge_leads     (ScimStore            *store,
                                        gint64                keep_id,
                                        gint64                drop_id,
                                        GError              **error);

/* Acceptance: links the lead to @client_id (0: creates a client from the
 * lead), creates a sale at the first stage of each product's funnel for
 * @owner_id, and stores a "build a plan" request for that salesperson. */
gboolean    scim_store_accept_lead     (ScimStore            *store,
                                        gint64                lead_id,
                                        gint64                client_id,
                                        const gint64         *product_ids,
                                        guint                 n_products,
                                        gint64                owner_id,
                                        GError              **error);
gboolean    scim_store_reject_lead     (ScimStore            *store,
                                        gint64                lead_id,
                                        const char           *reason,
                                        GError              **error);
gboolean    scim_store_assign_leads    (ScimStore            *store,
                                        const gint64         *lead_ids,
                                        guint                 n_leads,
                                        gint64                owner_id,
                                        GError              **error);
gboolean    scim_store_accept_leads    (ScimStore            *store,
                                        const gint64         *lead_ids,
                                        guint                 n_leads,
                                        gint64                product_id,
                                        gint64                owner_id,
                                        GError              **error);
gboolean    scim_store_reject_leads    (ScimStore            *store,
                                        const gint64         *lead_ids,
                                        guint                 n_leads,
                                        const char           *reason,
                                        GError              **error);
const char * const *scim_lead_reject_reasons (void);

/* Plan requests raised by acceptance: open ones of a user. */
gint64      scim_store_count_plan_requests (ScimStore        *store,
                                        gint64                user_id,
                                        GError              **error);

/* Import */

typedef enum
{
  SCIM_LEAD_FIELD_IGNORE,
  SCIM_LEAD_FIELD_NAME,
  SCIM_LEAD_FIELD_COMPANY,
  SCIM_LEAD_FIELD_POSITION,
  SCIM_LEAD_FIELD_PHONE,
  SCIM_LEAD_FIELD_EMAIL,
  SCIM_LEAD_FIELD_TAX_ID,
  SCIM_LEAD_FIELD_SOURCE,
  SCIM_LEAD_FIELD_CHANNEL,
  SCIM_LEAD_FIELD_PRODUCT,
  SCIM_LEAD_FIELD_NOTES,
  SCIM_LEAD_FIELD_RECEIVED,
  SCIM_LEAD_FIELD_AMOUNT,
  SCIM_LEAD_FIELD_OWNER,
  SCIM_LEAD_FIELD_SOURCE_ID,     /* the other CRM's own id of the record */
  SCIM_LEAD_FIELD_SOURCE_STATUS, /* its status or stage there */
  SCIM_LEAD_N_FIELDS,
} ScimLeadField;

const char   *scim_lead_field_to_string   (ScimLeadField  field);
const char   *scim_lead_field_get_label   (ScimLeadField  field);
gboolean      scim_lead_field_from_string (const char    *text,
                                           ScimLeadField *field);
ScimLeadField scim_lead_field_guess       (const char    *header);

typedef struct
{
  ScimLeadField *mapping;        /* one per column of the file */
  guint          n_columns;
  gboolean       skip_bad;       /* import the good rows, skip unreadable ones */
  gboolean       keep_duplicates;/* import duplicates as new leads too */
  gboolean       dry_run;        /* check everything, write nothing */
  GHashTable    *owner_map;      /* scim_fold_name() of an owner as the file names
                                  * them → user id as gint64 *, 0: leave unassigned */
  gint64         owner_default;  /* for owners neither users nor in owner_map;
                                  * 0: unassigned, into the incoming queue */
} ScimImportOptions;

typedef struct
{
  guint      line;
  char      *reason;             /* translated */
  GStrv      cells;              /* the row as read, for a file of refused rows;
                                  * %NULL when it could not be split into cells */
} ScimImportIssue;

/* An owner the file names who is no user here, and on how many rows. */
typedef struct
{
  char      *name;               /* as the file writes it, the first time */
  char      *key;                /* scim_fold_name() of it: the owner_map key */
  guint      rows;
} ScimImportOwner;

typedef struct
{
  guint      created;
  guint      updated;            /* existing leads the file changed */
  guint      unchanged;          /* existing leads the file matched as they are */
  guint      matched;            /* rows that match an existing lead (by the
                                  * source id, else e-mail or phone); in a dry
                                  * run, updated and unchanged are not told apart */
  guint      rows;
  GPtrArray *unknown_owners;     /* ScimImportOwner, in the order first met */
  GPtrArray *duplicates;         /* ScimImportIssue: skipped as duplicates */
  GPtrArray *refused;            /* ScimImportIssue: rows that cannot be read */
  char      *encoding;
  char       delimiter;
  GStrv      header;
  GPtrArray *preview;            /* GStrv per row, the first few rows */
} ScimImportReport;

void              scim_import_report_free (ScimImportReport *report);
/* The refused rows that could be read as cells, under the file's header, as
 * UTF-8 CSV: fix them and import that file. */
gboolean          scim_import_report_write_refused (const ScimImportReport *report,
                                                    GOutputStream          *out,
                                                    GCancellable           *cancellable,
                                                    GError                **error);
guint             scim_import_report_count_refused_cells (const ScimImportReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScimImportReport, scim_import_report_free)

/* Reads the header and the first rows and guesses the mapping. */
ScimImportReport *scim_store_preview_leads (ScimStore         *store,
                                            GFile             *file,
                                            guint              n_rows,
                                            GCancellable      *cancellable,
                                            GError           **error);
/* All rows or none: one transaction.  With refused rows and no skip_bad,
 * nothing is written and @error is SCIM_STORE_ERROR_INVALID; the report is
 * returned all the same and lists every bad line.  %NULL only when the file
 * cannot be read at all. */
ScimImportReport *scim_store_import_leads  (ScimStore         *store,
                                            GFile             *file,
                                            const ScimImportOptions *options,
                                            GCancellable      *cancellable,
                                            ScimProgressFunc   progress,
                                            gpointer           progress_data,
                                            GError           **error);

/* Export: UTF-8 CSV with a header row, of a query (state filter, search)
 * or of all leads when @query is NULL. */
gboolean          scim_store_export_leads  (ScimStore         *store,
                                            const ScimQuery   *query,
                                            GOutputStream     *out,
                                            GCancellable      *cancellable,
                                            ScimProgressFunc   progress,
                                            gpointer           progress_data,
                                            GError           **error);

G_END_DECLS
