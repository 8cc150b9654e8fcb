import { offlineChat } from './offline-chat';
it('prints', async () => {
  const chat = await offlineChat({ demo: false });
  for (const text of ['Set up a renewals object with: account (relation to companies), renewal_date (date), amount (currency), stage (select: Upcoming, In Negotiation, Won, Lost), notes (long text)', 'add a Region field to the vendors object']) {
    console.log((await chat.say(text)).text);
  }
  await chat.cleanup();
});
