/**
 * A customer as the API shows it (the spec's `Customer`): in responses and in the `customer.*`
 * events, which carry the customer as `customers.get` returns it.
 */
import type { Customer as ContractCustomer, Operation } from "@shopvo/contract"
import type { Customer } from "./Repo.js"

export const serialize = (customer: Customer): Operation.Immutable<ContractCustomer> => ({
  id: customer.id,
  email: customer.email,
  firstName: customer.firstName,
  lastName: customer.lastName,
  phone: customer.phone,
  groupId: customer.groupId,
  acceptsMarketing: customer.acceptsMarketing,
  tags: customer.tags,
  defaultAddress: customer.defaultAddress,
  totalOrders: customer.totalOrders,
  totalSpent: customer.totalSpent,
  createdAt: customer.createdAt.toISOString(),
  updatedAt: customer.updatedAt.toISOString()
})
