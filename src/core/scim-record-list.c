/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-record-list"

#include "config.h"

#include <string.h>

#include "scim-record-list.h"

/* A lazy list over a store query.  It holds the ids in display order, read
 * a page of ID_PAGE at a time by key (scim_store_query_page): the first
 * when it loads, the next when a view asks for a row near the end of those
 * it has, so a list of a million rows opens as fast as one of a thousand.
 * An item is created when a view asks for it, empty at first, and its row
 * filled a page of PAGE_SIZE at a time on a worker thread.  Only a bounded
 * number of items is kept.  The count of all rows ("total") is read after
 * the first page, for labels. */

#define ID_PAGE 500
#define PAGE_SIZE 100
#define CACHE_LIMIT 2000
#define RELOAD_DELAY_MS 150

struct _ScimRecordList
{
  GObject       parent_instance;

  ScimStore    *store;
  ScimQuery    *query;
  GType         item_type;

  GArray       *ids;          /* gint64, display order */
  GHashTable   *items;        /* id → ScimRecord */
  GHashTable   *used;         /* id → tick of last use */
  GHashTable   *pending;      /* page index → TRUE, loads on their way */
  guint64       tick;
  guint         generation;   /* bumps when the ids are reloaded */

  GVariant     *more_key;     /* the key after which more ids come; NULL: all are here */
  gboolean      fetching;     /* a next page of ids is on its way */
  gboolean      want_all;     /* load_all() asked for the rest */
  gboolean      first_page_only;  /* the next reload reads one page: a new query */
  gint64        total;        /* every row of the query; -1 until counted */

  GCancellable *cancellable;
  guint         reload_source;
  gboolean      loading;
  gulong        changed_id;
};

enum {
  PROP_0,
  PROP_ITEM_TYPE,
  PROP_N_ITEMS,
  PROP_LOADING,
  PROP_COMPLETE,
  PROP_TOTAL,
  N_PROPS
};

enum {
  LOADED,
  ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void list_model_iface_init (GListModelInterface *iface);
static void request_page          (ScimRecordList *self,
                                   guint           page);

G_DEFINE_FINAL_TYPE_WITH_CODE (ScimRecordList, scim_record_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* Loading ids */

typedef struct
{
  ScimQuery *query;
  GVariant  *after;
  guint      limit;
} IdsJob;

typedef struct
{
  GArray   *ids;
  GVariant *more_key;
} IdsResult;

static void
ids_job_free (gpointer data)
{
  IdsJob *job = data;

  scim_query_free (job->query);
  g_clear_pointer (&job->after, g_variant_unref);
  g_free (job);
}

static void
ids_result_free (gpointer data)
{
  IdsResult *result = data;

  g_clear_pointer (&result->ids, g_array_unref);
  g_clear_pointer (&result->more_key, g_variant_unref);
  g_free (result);
}

static gpointer
load_ids_thread (ScimStore     *store,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  IdsJob *job = data;
  IdsResult *result = g_new0 (IdsResult, 1);

  result->ids = scim_store_query_page (store, job->query, job->after, job->limit, &result->more_key, cancellable,
                                       error);
  if (result->ids == NULL)
    {
      ids_result_free (result);
      return NULL;
    }
  return result;
}

static IdsJob *
ids_job_new (ScimRecordList *self,
             GVariant       *after,
             guint           limit)
{
  IdsJob *job = g_new0 (IdsJob, 1);

  job->query = scim_query_copy (self->query);
  job->after = after != NULL ? g_variant_ref (after) : NULL;
  job->limit = limit;
  return job;
}

static void
set_more_key (ScimRecordList *self,
              GVariant       *key)
{
  gboolean was_complete = self->more_key == NULL;

  g_clear_pointer (&self->more_key, g_variant_unref);
  self->more_key = key;
  if (was_complete != (key == NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
}

static void request_more (ScimRecordList *self);
static void count_rows   (ScimRecordList *self);

static void
set_loading (ScimRecordList *self,
             gboolean        loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static gboolean
same_ids (GArray *a,
          GArray *b)
{
  return a->len == b->len && memcmp (a->data, b->data, a->len * sizeof (gint64)) == 0;
}

/* After the ids are loaded again: drops the items whose rows are gone and
 * loads again the pages of those that stay, so they show what the file
 * says now. */
static void
refresh_kept (ScimRecordList *self)
{
  g_autoptr(GHashTable) positions = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) pages = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < self->ids->len; i++)
    g_hash_table_insert (positions, &g_array_index (self->ids, gint64, i), GUINT_TO_POINTER (i));
  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gpointer pos;

      if (g_hash_table_lookup_extended (positions, key, NULL, &pos))
        {
          g_hash_table_add (pages, GUINT_TO_POINTER (GPOINTER_TO_UINT (pos) / PAGE_SIZE));
        }
      else
        {
          g_hash_table_remove (self->used, key);
          g_hash_table_iter_remove (&iter);
        }
    }
  g_hash_table_iter_init (&iter, pages);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    request_page (self, GPOINTER_TO_UINT (key));
}

static void
on_ids_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ScimRecordList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  IdsResult *loaded;

  loaded = scim_store_run_finish (SCIM_STORE (source), result, &error);
  if (loaded != NULL)
    {
      ids = g_steal_pointer (&loaded->ids);
      set_more_key (self, g_steal_pointer (&loaded->more_key));
      ids_result_free (loaded);
    }
  if (ids == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CANCELLED))
        {
          set_loading (self, FALSE);
          g_signal_emit (self, signals[ERROR], 0, error);
        }
      return;
    }

  set_loading (self, FALSE);
  self->generation++;
  self->fetching = FALSE;
  g_hash_table_remove_all (self->pending);

  if (same_ids (self->ids, ids))
    {
      /* Same rows in the same order: refresh what is on screen in place. */
      refresh_kept (self);
    }
  else
    {
      g_autoptr(GArray) was_ids = g_steal_pointer (&self->ids);
      const gint64 *was = (const gint64 *) (gpointer) was_ids->data;
      const gint64 *now = (const gint64 *) (gpointer) ids->data;
      guint old_len = was_ids->len, new_len = ids->len, window = old_len, new_window = new_len;
      guint prefix = 0, suffix = 0;

      /* The ids came as many as there were, by key: a row added above
       * pushes the last ones out of the window (the next page brings them
       * again), a row gone brings one in.  Both are compared up to the row
       * where the shorter of them ends, and the rest changes at the end. */
      if (old_len > 0 && new_len > 0 && was[old_len - 1] != now[new_len - 1])
        {
          gboolean found = FALSE;

          for (guint p = old_len; self->more_key != NULL && p > 0 && !found; p--)
            if (was[p - 1] == now[new_len - 1])
              {
                window = p;
                found = TRUE;
              }
          for (guint q = new_len; q > 0 && !found; q--)
            if (now[q - 1] == was[old_len - 1])
              {
                new_window = q;
                found = TRUE;
              }
        }

      /* Only the span between the rows that stayed in place at the start
       * and at the end changes, and the rows that stay keep their objects:
       * a view keeps its scroll position, and a selection follows its row
       * (GtkSingleSelection and GtkMultiSelection find their items again
       * among the added ones). */
      while (prefix < window && prefix < new_window && was[prefix] == now[prefix])
        prefix++;
      while (suffix < window - prefix && suffix < new_window - prefix &&
             was[window - 1 - suffix] == now[new_window - 1 - suffix])
        suffix++;
      self->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), MAX (old_len, new_len) + 1);
      g_array_append_vals (self->ids, now, new_window);
      g_array_append_vals (self->ids, was + window, old_len - window);
      g_list_model_items_changed (G_LIST_MODEL (self), prefix, window - prefix - suffix,
                                  new_window - prefix - suffix);
      if (window < old_len || new_window < new_len)
        {
          g_array_unref (self->ids);
          self->ids = g_steal_pointer (&ids);
          g_list_model_items_changed (G_LIST_MODEL (self), new_window, old_len - window, new_len - new_window);
        }
      refresh_kept (self);
      if (old_len != new_len)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }

  g_signal_emit (self, signals[LOADED], 0);
  count_rows (self);
  if (self->want_all)
    request_more (self);
}

/* The next page of ids, appended. */
typedef struct
{
  ScimRecordList *self;
  guint           generation;
} MoreRequest;

static void
on_more_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  MoreRequest *request = user_data;
  g_autoptr(ScimRecordList) self = request->self;
  g_autoptr(GError) error = NULL;
  IdsResult *loaded;
  guint generation = request->generation;
  guint old_len;

  g_free (request);
  loaded = scim_store_run_finish (SCIM_STORE (source), result, &error);
  if (generation != self->generation)
    {
      /* The ids were loaded again meanwhile: this page is of the old ones. */
      g_clear_pointer (&loaded, ids_result_free);
      return;
    }
  self->fetching = FALSE;
  if (loaded == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CANCELLED))
        g_signal_emit (self, signals[ERROR], 0, error);
      return;
    }

  old_len = self->ids->len;
  g_array_append_vals (self->ids, loaded->ids->data, loaded->ids->len);
  set_more_key (self, g_steal_pointer (&loaded->more_key));
  if (loaded->ids->len > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), old_len, 0, loaded->ids->len);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
  ids_result_free (loaded);
  if (self->more_key == NULL)
    self->want_all = FALSE;
  else if (self->want_all)
    request_more (self);
}

static void
request_more (ScimRecordList *self)
{
  MoreRequest *request;

  if (self->more_key == NULL || self->fetching || self->loading)
    return;
  self->fetching = TRUE;
  request = g_new0 (MoreRequest, 1);
  request->self = g_object_ref (self);
  request->generation = self->generation;
  /* load_all(): the rest at once. */
  scim_store_run_async_full (self->store, load_ids_thread, ids_job_new (self, self->more_key,
                                                                       self->want_all ? 0 : ID_PAGE),
                             ids_job_free, ids_result_free, self->cancellable, on_more_loaded_cb, request);
}

/* The count of every row, for labels. */
typedef struct
{
  ScimRecordList *self;
  guint           generation;
} CountRequest;

static gpointer
count_thread (ScimStore     *store,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  gint64 n = scim_store_query_count (store, data, cancellable, error);

  return n < 0 ? NULL : g_memdup2 (&n, sizeof n);
}

static void
on_counted_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  CountRequest *request = user_data;
  g_autoptr(ScimRecordList) self = request->self;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *n = scim_store_run_finish (SCIM_STORE (source), result, &error);
  guint generation = request->generation;

  g_free (request);
  if (n == NULL || generation != self->generation || *n == self->total)
    return;
  self->total = *n;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL]);
}

static void
count_rows (ScimRecordList *self)
{
  CountRequest *request;

  /* A list that came whole in its first page counts itself. */
  if (self->more_key == NULL)
    {
      if (self->total != (gint64) self->ids->len)
        {
          self->total = self->ids->len;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL]);
        }
      return;
    }
  request = g_new0 (CountRequest, 1);
  request->self = g_object_ref (self);
  request->generation = self->generation;
  scim_store_run_async_full (self->store, count_thread, scim_query_copy (self->query),
                             (GDestroyNotify) scim_query_free, g_free, self->cancellable, on_counted_cb, request);
}

static gboolean
reload_timeout_cb (gpointer user_data)
{
  ScimRecordList *self = user_data;

  self->reload_source = 0;
  scim_record_list_reload (self);
  return G_SOURCE_REMOVE;
}

static void
on_store_changed_cb (ScimStore      *store,
                     GPtrArray      *changes,
                     ScimRecordList *self)
{
  for (guint i = 0; i < changes->len; i++)
    {
      ScimChange *change = g_ptr_array_index (changes, i);

      if (scim_list_kind_depends_on (self->query->kind, change->entity))
        {
          if (self->reload_source == 0)
            self->reload_source = g_timeout_add (RELOAD_DELAY_MS, reload_timeout_cb, self);
          return;
        }
    }
}

/* Loading pages */

typedef struct
{
  ScimListKind kind;
  GArray      *ids;
  guint        page;
  guint        generation;
} PageJob;

static void
page_job_free (gpointer data)
{
  PageJob *job = data;

  g_array_unref (job->ids);
  g_free (job);
}

static gpointer
load_page_thread (ScimStore     *store,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  PageJob *job = data;

  return scim_store_load_rows (store, job->kind, (const gint64 *) (gpointer) job->ids->data,
                               job->ids->len, error);
}

typedef struct
{
  ScimRecordList *self;
  guint           page;
  guint           generation;
} PageRequest;

static void
on_page_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  PageRequest *request = user_data;
  g_autoptr(ScimRecordList) self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  guint generation = request->generation;
  guint page = request->page;

  g_free (request);

  rows = scim_store_run_finish (SCIM_STORE (source), result, &error);
  if (generation == self->generation)
    g_hash_table_remove (self->pending, GUINT_TO_POINTER (page));
  if (rows == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (self, signals[ERROR], 0, error);
      return;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      GVariant *row = g_ptr_array_index (rows, i);
      ScimRecord *record;
      gint64 id;

      if (!g_variant_lookup (row, "id", "x", &id))
        continue;
      record = g_hash_table_lookup (self->items, &id);
      if (record != NULL)
        scim_record_update (record, row);
    }
}

static void
request_page (ScimRecordList *self,
              guint           page)
{
  PageJob *job;
  PageRequest *request;
  guint start = page * PAGE_SIZE;
  guint end = MIN (start + PAGE_SIZE, self->ids->len);

  if (start >= end || g_hash_table_contains (self->pending, GUINT_TO_POINTER (page)))
    return;
  g_hash_table_add (self->pending, GUINT_TO_POINTER (page));

  job = g_new0 (PageJob, 1);
  job->kind = self->query->kind;
  job->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), end - start);
  g_array_append_vals (job->ids, &g_array_index (self->ids, gint64, start), end - start);
  job->page = page;
  job->generation = self->generation;

  request = g_new0 (PageRequest, 1);
  request->self = g_object_ref (self);
  request->page = page;
  request->generation = self->generation;

  scim_store_run_async_full (self->store, load_page_thread, job, page_job_free,
                             (GDestroyNotify) g_ptr_array_unref, self->cancellable, on_page_loaded_cb, request);
}

static void
evict (ScimRecordList *self)
{
  GHashTableIter iter;
  gpointer key, value;
  guint64 keep_after;

  if (g_hash_table_size (self->items) <= CACHE_LIMIT)
    return;

  /* Drop the half used longest ago; views keep their own references to
   * what they show, so nothing on screen goes away. */
  keep_after = self->tick - CACHE_LIMIT / 2;
  g_hash_table_iter_init (&iter, self->used);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (*(guint64 *) value < keep_after)
        {
          g_hash_table_remove (self->items, key);
          g_hash_table_iter_remove (&iter);
        }
    }
}

/* GListModel */

static GType
scim_record_list_get_item_type (GListModel *model)
{
  return SCIM_RECORD_LIST (model)->item_type;
}

static guint
scim_record_list_get_n_items (GListModel *model)
{
  return SCIM_RECORD_LIST (model)->ids->len;
}

static gpointer
scim_record_list_get_item (GListModel *model,
                           guint       position)
{
  ScimRecordList *self = SCIM_RECORD_LIST (model);
  ScimRecord *record;
  guint64 *stamp;
  gint64 id;

  if (position >= self->ids->len)
    return NULL;

  id = g_array_index (self->ids, gint64, position);
  record = g_hash_table_lookup (self->items, &id);
  if (record == NULL)
    {
      gint64 *key = g_new (gint64, 1);

      *key = id;
      record = scim_record_new (self->item_type, id);
      g_hash_table_insert (self->items, key, record);
      evict (self);
      request_page (self, position / PAGE_SIZE);
    }

  stamp = g_hash_table_lookup (self->used, &id);
  if (stamp == NULL)
    {
      gint64 *key = g_new (gint64, 1);

      *key = id;
      stamp = g_new (guint64, 1);
      g_hash_table_insert (self->used, key, stamp);
    }
  *stamp = ++self->tick;

  /* Near the end of the ids there are: the next page. */
  if (position + ID_PAGE / 4 >= self->ids->len)
    request_more (self);

  return g_object_ref (record);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = scim_record_list_get_item_type;
  iface->get_n_items = scim_record_list_get_n_items;
  iface->get_item = scim_record_list_get_item;
}

/* GObject */

static void
scim_record_list_dispose (GObject *object)
{
  ScimRecordList *self = (ScimRecordList *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (scim_record_list_parent_class)->dispose (object);
}

static void
scim_record_list_finalize (GObject *object)
{
  ScimRecordList *self = (ScimRecordList *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->query, scim_query_free);
  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_pointer (&self->more_key, g_variant_unref);
  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_pointer (&self->used, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);

  G_OBJECT_CLASS (scim_record_list_parent_class)->finalize (object);
}

static void
scim_record_list_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ScimRecordList *self = SCIM_RECORD_LIST (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, self->item_type);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->ids->len);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_COMPLETE:
      g_value_set_boolean (value, self->more_key == NULL);
      break;
    case PROP_TOTAL:
      g_value_set_int64 (value, self->total);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scim_record_list_class_init (ScimRecordListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = scim_record_list_dispose;
  object_class->finalize = scim_record_list_finalize;
  object_class->get_property = scim_record_list_get_property;

  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", NULL, NULL, SCIM_TYPE_RECORD,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * ScimRecordList:complete:
   *
   * Whether every id of the query is in the list (no more pages).
   */
  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * ScimRecordList:total:
   *
   * How many rows the query has in all, also those not in the list yet;
   * -1 until counted.
   */
  properties[PROP_TOTAL] =
    g_param_spec_int64 ("total", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ScimRecordList::loaded:
   *
   * Emitted each time the ids have been (re)loaded.
   */
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * ScimRecordList::error:
   * @error: what went wrong
   *
   * Emitted when a load fails; the list keeps what it had.
   */
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
scim_record_list_init (ScimRecordList *self)
{
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->items = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->used = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->pending = g_hash_table_new (NULL, NULL);
  self->cancellable = g_cancellable_new ();
  self->total = -1;
}

/**
 * scim_record_list_new:
 * @store: the store
 * @query: what to list
 *
 * Creates the list and starts loading it; it follows the store's changes.
 *
 * Returns: (transfer full): a new #ScimRecordList
 */
ScimRecordList *
scim_record_list_new (ScimStore       *store,
                      const ScimQuery *query)
{
  ScimRecordList *self;

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  self = g_object_new (SCIM_TYPE_RECORD_LIST, NULL);
  self->store = g_object_ref (store);
  self->query = scim_query_copy (query);
  self->item_type = scim_list_kind_get_record_type (query->kind);
  self->changed_id = g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb),
                                              self, G_CONNECT_DEFAULT);
  scim_record_list_reload (self);
  return self;
}

/**
 * scim_record_list_get_query:
 * @self: a #ScimRecordList
 *
 * Returns: (transfer none): what the list shows
 */
const ScimQuery *
scim_record_list_get_query (ScimRecordList *self)
{
  g_return_val_if_fail (SCIM_IS_RECORD_LIST (self), NULL);
  return self->query;
}

/**
 * scim_record_list_set_query:
 * @self: a #ScimRecordList
 * @query: what to list from now on; of the same kind
 */
void
scim_record_list_set_query (ScimRecordList  *self,
                            const ScimQuery *query)
{
  g_return_if_fail (SCIM_IS_RECORD_LIST (self));
  g_return_if_fail (query != NULL && query->kind == self->query->kind);

  scim_query_free (self->query);
  self->query = scim_query_copy (query);
  /* Another query starts again from its first page, and is not counted yet. */
  self->first_page_only = TRUE;
  self->want_all = FALSE;
  if (self->total != -1)
    {
      self->total = -1;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL]);
    }
  scim_record_list_reload (self);
}

gboolean
scim_record_list_get_loading (ScimRecordList *self)
{
  g_return_val_if_fail (SCIM_IS_RECORD_LIST (self), FALSE);
  return self->loading;
}

/**
 * scim_record_list_reload:
 * @self: a #ScimRecordList
 *
 * Loads the ids again on a worker thread; a load already on its way is
 * cancelled.
 */
void
scim_record_list_reload (ScimRecordList *self)
{
  IdsJob *job;

  g_return_if_fail (SCIM_IS_RECORD_LIST (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->reload_source, g_source_remove);

  /* As many ids as the list has, so a change elsewhere keeps the place of
   * someone far down the list; a page at least. */
  job = ids_job_new (self, NULL, self->first_page_only ? ID_PAGE
                                                      : MAX (ID_PAGE, (self->ids->len + ID_PAGE - 1) / ID_PAGE * ID_PAGE));
  self->first_page_only = FALSE;
  self->fetching = FALSE;
  set_loading (self, TRUE);
  scim_store_run_async_full (self->store, load_ids_thread, job, ids_job_free, ids_result_free,
                             self->cancellable, on_ids_loaded_cb, g_object_ref (self));
}

/**
 * scim_record_list_load_all:
 * @self: a #ScimRecordList
 *
 * Reads every id of the query that is not in the list yet, at once (for a
 * selection of all rows); the list grows when they are there and
 * #ScimRecordList:complete becomes %TRUE.
 */
void
scim_record_list_load_all (ScimRecordList *self)
{
  g_return_if_fail (SCIM_IS_RECORD_LIST (self));

  self->want_all = TRUE;
  request_more (self);
}

gboolean
scim_record_list_get_complete (ScimRecordList *self)
{
  g_return_val_if_fail (SCIM_IS_RECORD_LIST (self), TRUE);
  return self->more_key == NULL;
}

/**
 * scim_record_list_get_total:
 * @self: a #ScimRecordList
 *
 * Returns: the rows of the query in all, also those not in the list yet;
 *   -1 until counted
 */
gint64
scim_record_list_get_total (ScimRecordList *self)
{
  g_return_val_if_fail (SCIM_IS_RECORD_LIST (self), -1);
  return self->total;
}

/**
 * scim_record_list_count:
 * @self: (nullable): a #ScimRecordList
 *
 * What a label counts: all the rows of the query once they are counted,
 * the rows in the list until then.
 *
 * Returns: the count; 0 for %NULL
 */
guint
scim_record_list_count (ScimRecordList *self)
{
  if (self == NULL)
    return 0;
  g_return_val_if_fail (SCIM_IS_RECORD_LIST (self), 0);
  return self->total >= 0 ? (guint) MIN (self->total, (gint64) G_MAXUINT)
                          : g_list_model_get_n_items (G_LIST_MODEL (self));
}

/**
 * scim_record_list_get_id:
 * @self: a #ScimRecordList
 * @position: a row
 *
 * Returns: the id of the row at @position, without loading it; 0 past the end
 */
gint64
scim_record_list_get_id (ScimRecordList *self,
                         guint           position)
{
  g_return_val_if_fail (SCIM_IS_RECORD_LIST (self), 0);
  return position < self->ids->len ? g_array_index (self->ids, gint64, position) : 0;
}
