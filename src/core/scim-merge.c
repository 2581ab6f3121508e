/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-merge"

#include "config.h"

#include "scim-merge.h"

/* A missing value (NULL) equals only another missing one. */
static gboolean
same (GVariant *a,
      GVariant *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_variant_equal (a, b);
}

/**
 * scim_merge_field:
 * @base: (nullable): the value as read
 * @mine: (nullable): the value as edited
 * @theirs: (nullable): the value as the other saved it
 *
 * Returns: how the field merges
 */
ScimMergeKind
scim_merge_field (GVariant *base,
                  GVariant *mine,
                  GVariant *theirs)
{
  if (same (mine, theirs))
    return SCIM_MERGE_SAME;
  if (same (base, theirs))
    return SCIM_MERGE_MINE;
  if (same (base, mine))
    return SCIM_MERGE_THEIRS;
  return SCIM_MERGE_COLLISION;
}

static void
add_keys (GHashTable *keys,
          GPtrArray  *order,
          GVariant   *dict)
{
  GVariantIter iter;
  const char *key;

  if (dict == NULL)
    return;
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, NULL))
    if (g_hash_table_add (keys, (gpointer) key))
      g_ptr_array_add (order, (gpointer) key);
}

/**
 * scim_merge_fields:
 * @base: (nullable): an `a{sv}` of the fields as read
 * @mine: an `a{sv}` of the fields as edited
 * @theirs: an `a{sv}` of the fields as the other saved them
 * @collisions: (out) (optional) (transfer full): the keys both sides changed
 *   differently, in the order of @mine
 *
 * Merges field by field: what only I changed is mine, what only they
 * changed is theirs; a collision keeps mine until a person chooses.
 *
 * Returns: (transfer full): the merged `a{sv}`, floating reference sunk
 */
GVariant *
scim_merge_fields (GVariant *base,
                   GVariant *mine,
                   GVariant *theirs,
                   GStrv    *collisions)
{
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GPtrArray) collided = g_ptr_array_new_with_free_func (g_free);
  GVariantBuilder builder;

  g_return_val_if_fail (mine != NULL && g_variant_is_of_type (mine, G_VARIANT_TYPE_VARDICT), NULL);
  g_return_val_if_fail (theirs != NULL && g_variant_is_of_type (theirs, G_VARIANT_TYPE_VARDICT), NULL);

  add_keys (keys, order, mine);
  add_keys (keys, order, theirs);
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < order->len; i++)
    {
      const char *key = g_ptr_array_index (order, i);
      g_autoptr(GVariant) b = base != NULL ? g_variant_lookup_value (base, key, NULL) : NULL;
      g_autoptr(GVariant) m = g_variant_lookup_value (mine, key, NULL);
      g_autoptr(GVariant) t = g_variant_lookup_value (theirs, key, NULL);
      ScimMergeKind kind = scim_merge_field (b, m, t);
      GVariant *take = kind == SCIM_MERGE_THEIRS || m == NULL ? t : m;

      if (kind == SCIM_MERGE_COLLISION)
        g_ptr_array_add (collided, g_strdup (key));
      if (take != NULL)
        g_variant_builder_add (&builder, "{sv}", key, take);
    }
  if (collisions != NULL)
    {
      g_ptr_array_add (collided, NULL);
      *collisions = (GStrv) g_ptr_array_steal (collided, NULL);
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}
