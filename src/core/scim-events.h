/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-query.h"
#include "scim-records.h"
#include "scim-store.h"

G_BEGIN_DECLS

/* The Sales book: key events of sales.  Anyone who may see a sale may
 * write an event in it; editing and deleting an event is limited to its
 * author, a head or an admin, and every edit is kept in the history.  An
 * event at a future time is "planned" (coming up). */

typedef struct
{
  gint64      sale_id;    /* on update, 0 keeps the event's sale */
  const char *kind;       /* call, meeting, email, proposal, contract, payment, note, other */
  const char *title;
  const char *text;
  gint64      at;         /* UTC seconds; 0: now (on update: keep) */
} ScimEventFields;

/* Adds the event and, when @move_to_stage is not 0, moves the sale to that
 * stage in the same transaction (e.g. "contract signed" → Deal signed). */
gint64      scim_store_add_event        (ScimStore             *store,
                                         const ScimEventFields *fields,
                                         gint64                 move_to_stage,
                                         GError               **error);
gboolean    scim_store_update_event     (ScimStore             *store,
                                         gint64                 event_id,
                                         gint64                 version,
                                         const ScimEventFields *fields,
                                         GError               **error);
GVariant   *scim_store_delete_event     (ScimStore             *store,
                                         gint64                 event_id,
                                         GError               **error);
gboolean    scim_store_restore_event    (ScimStore             *store,
                                         GVariant              *row,
                                         GError               **error);

/* Earlier versions of an edited or deleted event, oldest first: GStrv
 * {at, who, title, text, action, kind, event_at}: when the version was
 * replaced or deleted and by whom (at in UTC seconds, decimal), what it
 * said, then "update" or "delete", its kind and its own time (UTC seconds,
 * decimal). */
GPtrArray  *scim_store_event_history    (ScimStore             *store,
                                         gint64                 event_id,
                                         GError               **error);

/* Unread marks: what colleagues wrote since I last looked.  An event one
 * wrote oneself is never unread; a new user starts with everything read.
 * NULL marks all read, whatever the size of the book, in one step. */
gboolean    scim_store_mark_events_read (ScimStore             *store,
                                         const gint64          *event_ids,   /* NULL: all */
                                         guint                  n_events,
                                         GError               **error);
gint64      scim_store_count_unread_events (ScimStore          *store,
                                         GError               **error);

const char * const *scim_event_kinds    (void);
gboolean    scim_event_kind_is_valid    (const char            *kind);

/* One event, loaded as the book's rows are (unread and planned as of now). */
ScimEvent  *scim_store_get_event        (ScimStore             *store,
                                         gint64                 event_id,
                                         GError               **error);

G_END_DECLS
