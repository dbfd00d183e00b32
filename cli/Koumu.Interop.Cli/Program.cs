Console.WriteLine("koumu");
