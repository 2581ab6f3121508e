/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-query.h"
#include "scim-records.h"
#include "scim-store.h"

G_BEGIN_DECLS

/* Plan & control: a sale's details, its stage moves and its plan of tasks.
 * Rules live here: only the sale's owner, a head or an admin edits the sale
 * and its plan; the owner of a task may close it; a sale at a lost stage
 * keeps its plan read-only until it is moved back. */

/* Sale */
gint64      scim_store_add_sale        (ScimStore   *store,
                                        gint64       client_id,
                                        gint64       product_id,
                                        gint64       owner_id,        /* 0: the signed-in user */
                                        gint64       amount,
                                        gint64       expected_close,
                                        GError     **error);
gboolean    scim_store_update_sale     (ScimStore   *store,
                                        gint64       sale_id,
                                        gint64       version,
                                        gint64       amount,          /* minor units */
                                        gint64       expected_close,  /* UTC seconds, 0: none */
                                        gint64       owner_id,        /* reassigning needs a head */
                                        GError     **error);
/* Moves the sale to any stage of its funnel, forward or back, and writes
 * stage_changes (who, when, from, to, reason).  A lost stage needs
 * @reason; a paused stage needs @paused_until. */
gboolean    scim_store_move_sale       (ScimStore   *store,
                                        gint64       sale_id,
                                        gint64       stage_id,
                                        const char  *reason,
                                        gint64       paused_until,
                                        GError     **error);
gboolean    scim_store_move_sale_from  (ScimStore   *store,
                                        gint64       sale_id,
                                        gint64       from_stage_id,
                                        gint64       stage_id,
                                        const char  *reason,
                                        gint64       paused_until,
                                        GError     **error);

/* One move of the stage history. */
typedef struct
{
  gint64  at;
  char   *from;       /* stage name, NULL for the first entry */
  char   *to;
  char   *by;         /* user's name */
  char   *reason;     /* NULL when none */
} ScimStageMove;

void        scim_stage_move_free       (ScimStageMove *move);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScimStageMove, scim_stage_move_free)
GPtrArray  *scim_store_sale_history    (ScimStore   *store,
                                        gint64       sale_id,
                                        GError     **error);
ScimSale   *scim_store_get_sale        (ScimStore   *store,
                                        gint64       sale_id,
                                        GError     **error);
gboolean    scim_store_may_edit_plan   (ScimStore   *store,
                                        gint64       sale_id,
                                        GError     **error);

/* Tasks */
typedef struct
{
  const char *title;
  const char *notes;
  gint64      owner_id;
  gint64      due_at;          /* UTC seconds; 0: no due date */
  gboolean    due_has_time;    /* FALSE: due_at is the local midnight of the day */
  gint64      target_stage_id; /* 0: none */
} ScimTaskFields;

gint64      scim_store_add_task        (ScimStore            *store,
                                        gint64                sale_id,
                                        int                   position,   /* -1: at the end */
                                        const ScimTaskFields *fields,
                                        GError              **error);
gboolean    scim_store_update_task     (ScimStore            *store,
                                        gint64                task_id,
                                        gint64                version,
                                        const ScimTaskFields *fields,
                                        GError              **error);
/* Closes a task with its result: state "done", "failed" or "cancelled";
 * done and failed need a result text ("a negative result is a result"). */
gboolean    scim_store_finish_task     (ScimStore            *store,
                                        gint64                task_id,
                                        gint64                version,
                                        const char           *state,
                                        const char           *result,
                                        GError              **error);
gboolean    scim_store_reopen_task     (ScimStore            *store,
                                        gint64                task_id,
                                        GError              **error);
gboolean    scim_store_reorder_tasks   (ScimStore            *store,
                                        gint64                sale_id,
                                        const gint64         *task_ids,
                                        guint                 n_task_ids,
                                        GError              **error);
/* Deleting returns the row as it was, for undo. */
GVariant   *scim_store_delete_task     (ScimStore            *store,
                                        gint64                task_id,
                                        GError              **error);
gboolean    scim_store_restore_task    (ScimStore            *store,
                                        GVariant             *row,
                                        GError              **error);

/* Plan templates: the usual tasks per product and stage (admin edits). */
typedef struct
{
  const char *title;
  const char *notes;
  int         due_in_days;     /* after the day the tasks are added */
} ScimTemplateTask;

gboolean    scim_store_set_plan_template (ScimStore              *store,
                                          gint64                  product_id,
                                          gint64                  stage_id,
                                          const ScimTemplateTask *tasks,
                                          guint                   n_tasks,
                                          GError                **error);
GPtrArray  *scim_store_get_plan_template (ScimStore              *store,
                                          gint64                  stage_id,
                                          GError                **error);   /* element: GStrv {title, notes, days} */
/* Adds the usual tasks of the sale's current stage (or @stage_id) to its
 * plan, owned by the sale's owner.  Returns how many were added. */
gint        scim_store_apply_plan_template (ScimStore            *store,
                                          gint64                  sale_id,
                                          gint64                  stage_id,
                                          GError                **error);

/* Control: counts the head of sales looks at every morning. */
typedef struct
{
  gint64  user_id;
  char   *name;
  guint   open_tasks;
  guint   overdue;
  guint   due_today;
  guint   sales_without_plan;
  guint   sales_idle;          /* no activity for the given number of days */
} ScimDiscipline;

void        scim_discipline_free       (ScimDiscipline *discipline);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScimDiscipline, scim_discipline_free)
GPtrArray  *scim_store_discipline      (ScimStore   *store,
                                        guint        idle_days,       /* 0: SCIM_DEFAULT_IDLE_DAYS */
                                        GError     **error);
GPtrArray  *scim_store_discipline_at   (ScimStore   *store,
                                        guint        idle_days,
                                        gint64       now,             /* UTC seconds; 0: the clock */
                                        GError     **error);

G_END_DECLS
