/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-funnel-template"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-funnel-template.h"

/* The seed's funnel for the product "Financial consulting", with the
 * customer's own descriptions of each stage. */
static const ScimStageTemplate financial_consulting[] = {
  { N_("Not aware of the product"),
    N_("Has not heard of the product, has not asked about it, has received no information about it"),
    "open", 5, 30 },
  { N_("Aware of the product"),
    N_("Informed at a meeting, through an agent of influence, visited the product’s web page, "
       "or called the sales department to ask about terms"),
    "open", 10, 21 },
  { N_("Interest found"),
    N_("At a meeting, in a phone call or in correspondence"),
    "open", 20, 14 },
  { N_("Presale done"),
    N_("The product and the company have been presented"),
    "open", 30, 14 },
  { N_("Proposal sent"),
    N_("An individual commercial proposal has been sent"),
    "open", 40, 10 },
  { N_("Stimulation done"),
    N_("Reminders to consider the proposal; extra motivation found for the agent of influence, "
       "the key contact and the decision maker"),
    "open", 50, 14 },
  { N_("Price being agreed"),
    N_("Negotiations held; the price is being agreed"),
    "open", 70, 14 },
  { N_("Deal signed"),
    N_("The contract is signed"),
    "won", 90, 30 },
  { N_("Money received"),
    N_("The full payment for the product has reached the account"),
    "won", 100, 0 },
  { N_("Repeat purchase"),
    N_("The client came back for the service again"),
    "won", 100, 0 },
  { N_("Paused"),
    N_("For some reason the client has paused communication"),
    "paused", 0, 60 },
  { N_("Refused"),
    N_("The client made it clear they are not interested in buying at this stage"),
    "lost", 0, 0 },
};

const char *
scim_funnel_template_get_name (void)
{
  return N_("Financial consulting");
}

/**
 * scim_funnel_template_get_stages:
 * @n_stages: (out): the number of stages
 *
 * Returns: (array length=n_stages) (transfer none): the built-in funnel
 */
const ScimStageTemplate *
scim_funnel_template_get_stages (guint *n_stages)
{
  *n_stages = G_N_ELEMENTS (financial_consulting);
  return financial_consulting;
}
