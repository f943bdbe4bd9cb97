/**
 * The customers aggregate's domain errors, one home each: the repository detects them (a missing
 * row, a named constraint) and the HTTP layer maps them to statuses.
 */
import { Data } from "effect"

export class CustomerNotFound extends Data.TaggedError("CustomerNotFound")<{ readonly customerId: string }> {
  override get message() {
    return `Customer ${this.customerId} not found`
  }
}

/** Another customer of the site and mode has this email (compared ignoring case). */
export class EmailTaken extends Data.TaggedError("EmailTaken")<{ readonly email: string }> {
  override get message() {
    return `A customer with email ${this.email} already exists`
  }
}

export class CustomerGroupNotFound extends Data.TaggedError("CustomerGroupNotFound")<{ readonly groupId: string }> {
  override get message() {
    return `Customer group ${this.groupId} not found`
  }
}

/** A customer cannot be merged into itself. */
export class MergeSameCustomer extends Data.TaggedError("MergeSameCustomer")<{ readonly customerId: string }> {
  override get message() {
    return `Customer ${this.customerId} cannot be merged into itself`
  }
}
