/** The public face of the recipients workflow (`hush recipients`, `recipients add`, `recipients remove`). */
export { listRecipients, addRecipient, removeRecipient, shortRecipient } from "./recipients.js";
export type { RecipientsReport, RecipientInfo, RecipientFile, ChangeOptions, ChangeResult, FileChange, ExposedSecret } from "./recipients.js";
export { addRecipientToConfig, removeRecipientFromConfig, adminNames, recipientType } from "./sops-yaml-edit.js";
export type { ConfigEdit, RecipientType } from "./sops-yaml-edit.js";
