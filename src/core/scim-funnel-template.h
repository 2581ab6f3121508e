/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *name;         /* untranslated; translate with _() when used */
  const char *description;  /* untranslated */
  const char *kind;         /* "open", "won", "lost", "paused" */
  int         probability;  /* 0..100 */
  int         stuck_days;   /* 0: never stuck */
} ScimStageTemplate;

const char              *scim_funnel_template_get_name   (void);
const ScimStageTemplate *scim_funnel_template_get_stages (guint *n_stages);

G_END_DECLS
