import { offlineChat } from './offline-chat';
import { findEntries } from '../objects/entries';
import { readDocument } from '../objects/documents';
it('prints', async () => {
  const chat = await offlineChat();
  for (const text of ['create a high priority ticket for Initech "Exports time out", assigned to Priya', "Write a post-incident review for Initech's data sync ticket: cause: a stuck queue consumer. Fixed by restarting the workers. To prevent it: alert on queue lag. Next steps: call Initech's IT admin."]) {
    console.log(text, '\n=> ', (await chat.say(text)).text);
  }
  console.log(JSON.stringify(await findEntries(chat.workspace, 'support_tickets', { filter: { field: 'Title', operator: 'is', value: 'Exports time out' } })));
  const [sync] = await findEntries(chat.workspace, 'support_tickets', { filter: { field: 'Title', operator: 'is', value: 'Data sync stalled' } });
  console.log(readDocument(chat.workspace, 'support_tickets', String(sync!.id)));
  await chat.cleanup();
});
